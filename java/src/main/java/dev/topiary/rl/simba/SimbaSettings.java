package dev.topiary.rl.simba;

/**
 * The settings SimBa SAC and SimBa DDPG share (spec §5, the sibling paper's {@code base_sac.yaml},
 * {@code sac_simba.yaml}, {@code dmc_hard.yaml}; widths from the SimBa paper). Each algorithm's hyper-parameter
 * record holds these three groups plus its own.
 */
public final class SimbaSettings {
    private SimbaSettings() {
    }

    /**
     * Batch 256, buffer 1e6, γ 0.99, update-to-data ratio 2 (gradient updates per environment step, i.e. per
     * {@code train()} call), Polyak τ 0.005 for the targets.
     */
    public record Generic(int batchSize, int bufferSize, double discount, int updatesPerStep, double tau) {
        public Generic {
            require(batchSize >= 1, "generic.batchSize", batchSize, "≥ 1");
            require(bufferSize >= 16, "generic.bufferSize", bufferSize, "≥ 16");
            require(discount > 0 && discount <= 1, "generic.discount", discount, "in (0, 1]");
            require(updatesPerStep >= 1, "generic.updatesPerStep", updatesPerStep, "≥ 1");
            require(tau > 0 && tau <= 1, "generic.tau", tau, "in (0, 1]");
        }

        public static Generic defaults() {
            return new Generic(256, 1_000_000, 0.99, 2, 0.005);
        }

        public Generic withBatchSize(int b) {
            return new Generic(b, bufferSize, discount, updatesPerStep, tau);
        }

        public Generic withUpdatesPerStep(int n) {
            return new Generic(batchSize, bufferSize, discount, n, tau);
        }
    }

    /**
     * SimBa widths before the multiplier: critic hidden 512 with 2 residual blocks, actor hidden 128 with 1 block
     * (each block {@code h → 4h → h}).
     */
    public record Networks(int criticHidden, int criticBlocks, int actorHidden, int actorBlocks,
                           double widthMultiplier) {
        public Networks {
            require(criticHidden >= 1 && actorHidden >= 1, "networks widths", criticHidden + "/" + actorHidden, "≥ 1");
            require(criticBlocks >= 0 && actorBlocks >= 0, "networks blocks", criticBlocks + "/" + actorBlocks,
                    "≥ 0");
            require(widthMultiplier > 0, "networks.widthMultiplier", widthMultiplier, "> 0");
        }

        public static Networks defaults() {
            return new Networks(512, 2, 128, 1, 1.0);
        }

        public Networks withWidthMultiplier(double m) {
            return new Networks(criticHidden, criticBlocks, actorHidden, actorBlocks, m);
        }

        /** The critic's hidden width after the multiplier. */
        public int criticWidth() {
            return SimbaModules.width(criticHidden, widthMultiplier);
        }

        /** The actor's hidden width after the multiplier. */
        public int actorWidth() {
            return SimbaModules.width(actorHidden, widthMultiplier);
        }
    }

    /** AdamW for actor and critic: lr 1e-4, weight decay 1e-2 (PyTorch's betas and ε). */
    public record Optimizers(double criticLr, double criticWd, double actorLr, double actorWd) {
        public Optimizers {
            require(criticLr > 0 && actorLr > 0, "optimizers learning rates", criticLr + "/" + actorLr, "> 0");
            require(criticWd >= 0 && actorWd >= 0, "optimizers weight decays", criticWd + "/" + actorWd, "≥ 0");
        }

        public static Optimizers defaults() {
            return new Optimizers(1e-4, 1e-2, 1e-4, 1e-2);
        }
    }

    static void require(boolean ok, String name, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("SimBa hyper-parameter " + name + " = " + value + " must be "
                    + expected);
        }
    }

    /** For the algorithms' own groups. */
    public static void check(boolean ok, String name, Object value, String expected) {
        require(ok, name, value, expected);
    }
}
