package dev.topiary.env.mujoco;

import dev.topiary.env.ActionRepeat;
import dev.topiary.env.Env;
import dev.topiary.env.EnvRegistry;
import dev.topiary.env.EnvSpec;
import dev.topiary.env.mujoco.loco.HalfCheetah;
import dev.topiary.env.mujoco.loco.Hopper;
import dev.topiary.env.mujoco.loco.Walker2d;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The MuJoCo tasks by name, registered in {@link EnvRegistry} by {@link #register()} (the registry calls it):
 *
 * <ul>
 *   <li>{@code humanoid-stand}, {@code humanoid-walk}, {@code humanoid-run}: DeepMind Control's tasks on the humanoid
 *       of Debian's {@code libmujoco-samples} ({@code TOPIARY_MUJOCO_MODELS} overrides its folder,
 *       /usr/share/mujoco/model), as MR.Q runs them: action repeat 2, 500 agent steps.</li>
 *   <li>{@code dm_control/humanoid-stand|walk|run}: the same tasks on dm_control's own {@code suite/humanoid.xml},
 *       from the installation {@code TOPIARY_DM_CONTROL} points at (the folder of the {@code dm_control} Python
 *       package). Model files are never copied into this repository.</li>
 *   <li>{@code dm_control/dog-stand|walk|trot|run}: DeepMind Control's dog tasks ({@link DmcDog}) on that
 *       installation's {@code suite/dog.xml} and its assets (MuJoCo 3.x), also action repeat 2, 500 agent steps.</li>
 *   <li>{@code topiary/Hopper-v0}, {@code topiary/Walker2d-v0}, {@code topiary/HalfCheetah-v0}: Gymnasium's v4
 *       rewards, terminations, resets and 1000-step limit on models written for this project
 *       ({@link dev.topiary.env.mujoco.loco}). They carry the {@code topiary/} namespace, not Gymnasium's ids,
 *       because the models are not Gymnasium's: returns are comparable in kind, not in value, with published
 *       Gymnasium results.</li>
 * </ul>
 *
 * Building one without MuJoCo fails with {@link Mujoco#HOW_TO_INSTALL}; registering needs no library.
 */
public final class MujocoTasks {
    /** MR.Q's action repeat on DeepMind Control. */
    public static final int DMC_ACTION_REPEAT = 2;
    /** DeepMind Control's 1000 control steps, in agent steps. */
    public static final int DMC_AGENT_STEPS = 1000 / DMC_ACTION_REPEAT;
    /** Gymnasium's time limit of its MuJoCo locomotion tasks. */
    public static final int GYM_EPISODE_STEPS = 1000;

    private MujocoTasks() {
    }

    public static void register() {
        for (DmcHumanoid.Variant v : DmcHumanoid.Variant.values()) {
            EnvRegistry.register(new EnvSpec("humanoid-" + v.id(),
                    () -> dmc(new DmcHumanoid(v, debianHumanoid())), DMC_AGENT_STEPS, Double.NaN));
            EnvRegistry.register(new EnvSpec("dm_control/humanoid-" + v.id(),
                    () -> dmc(new DmcHumanoid(v, dmControlModel("humanoid.xml"))), DMC_AGENT_STEPS, Double.NaN));
        }
        for (DmcDog.Variant v : DmcDog.Variant.values()) {
            EnvRegistry.register(new EnvSpec("dm_control/dog-" + v.id(),
                    () -> dmc(DmcDog.load(v, dmControlModel("dog.xml"))), DMC_AGENT_STEPS, Double.NaN));
        }
        // No reward thresholds: Gymnasium's (3800 for Hopper, for example) were set on its own models.
        EnvRegistry.register(new EnvSpec("topiary/Hopper-v0", Hopper::new, GYM_EPISODE_STEPS, Double.NaN));
        EnvRegistry.register(new EnvSpec("topiary/Walker2d-v0", Walker2d::new, GYM_EPISODE_STEPS, Double.NaN));
        EnvRegistry.register(new EnvSpec("topiary/HalfCheetah-v0", HalfCheetah::new, GYM_EPISODE_STEPS, Double.NaN));
    }

    private static Env dmc(Env task) {
        return new ActionRepeat(task, DMC_ACTION_REPEAT);
    }

    /** Debian's humanoid.xml, or an exception that says how to get it. */
    public static Path debianHumanoid() {
        Mujoco.get();   // a missing library is the likelier problem: report it first
        String dir = System.getenv("TOPIARY_MUJOCO_MODELS");
        Path root = Path.of(dir == null || dir.isBlank() ? "/usr/share/mujoco/model" : dir);
        Path file = root.resolve("humanoid").resolve("humanoid.xml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the humanoid model is not at " + file + "; install it with `sudo apt-get "
                    + "install libmujoco-samples`, or set TOPIARY_MUJOCO_MODELS to a folder holding humanoid/humanoid.xml");
        }
        return file;
    }

    /** {@code suite/NAME} of the dm_control installation {@code TOPIARY_DM_CONTROL} names. */
    public static Path dmControlModel(String name) {
        Mujoco.get();
        String dir = System.getenv("TOPIARY_DM_CONTROL");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("the dm_control/ tasks load dm_control's own models: set TOPIARY_DM_CONTROL "
                    + "to its package folder (python -c 'import dm_control, os; "
                    + "print(os.path.dirname(dm_control.__file__))')");
        }
        Path file = Path.of(dir).resolve("suite").resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no " + name + " under " + Path.of(dir).resolve("suite")
                    + "; TOPIARY_DM_CONTROL must name the dm_control package folder (the one holding suite/)");
        }
        return file;
    }
}
