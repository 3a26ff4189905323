package dev.topiary.env.mujoco;

import dev.topiary.env.Rng;

/**
 * DeepMind Control's initial-state randomisation of the joints that allow it: a limited hinge or slide joint takes a
 * uniform position within its range, an unlimited hinge a uniform angle in [−π, π), a ball joint and the rotation of a
 * free joint a uniformly random orientation (a normalised 4-D Gaussian quaternion; a limited ball joint turns a
 * uniform angle within its limit about a random axis). Unlimited slides and the position of a free joint keep their
 * current value.
 */
final class JointRandomizer {
    private JointRandomizer() {
    }

    static void randomize(MjSim sim, Rng rng) {
        double[] qpos = sim.get("qpos", sim.nq);
        for (int j = 0; j < sim.njnt; j++) {
            int adr = sim.jointQposAddress(j);
            boolean limited = sim.jointLimited(j);
            double[] range = sim.jointRange(j);
            switch (sim.jointType(j)) {
                case MjSim.JOINT_HINGE -> qpos[adr] = limited ? rng.uniform(range[0], range[1])
                        : rng.uniform(-Math.PI, Math.PI);
                case MjSim.JOINT_SLIDE -> {
                    if (limited) {
                        qpos[adr] = rng.uniform(range[0], range[1]);
                    }
                }
                case MjSim.JOINT_BALL -> putQuaternion(qpos, adr, limited
                        ? axisAngle(rng, rng.uniform(0, range[1])) : randomQuaternion(rng));
                case MjSim.JOINT_FREE -> putQuaternion(qpos, adr + 3, randomQuaternion(rng));
                default -> throw new IllegalStateException("unknown MuJoCo joint type " + sim.jointType(j));
            }
        }
        sim.set("qpos", qpos);
    }

    private static double[] randomQuaternion(Rng rng) {
        double[] q = {rng.normal(), rng.normal(), rng.normal(), rng.normal()};
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        for (int i = 0; i < 4; i++) {
            q[i] /= n;
        }
        return q;
    }

    private static double[] axisAngle(Rng rng, double angle) {
        double[] axis = {rng.normal(), rng.normal(), rng.normal()};
        double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        double s = Math.sin(angle / 2) / n;
        return new double[]{Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s};
    }

    private static void putQuaternion(double[] qpos, int adr, double[] q) {
        System.arraycopy(q, 0, qpos, adr, 4);
    }
}
