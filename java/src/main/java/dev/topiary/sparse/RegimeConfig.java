package dev.topiary.sparse;

import dev.topiary.nn.Module;
import dev.topiary.sparse.SparseLayers.Growth;

/**
 * A module's sparse-training regime, as configuration. Defaults follow the issue (the MST paper publishes none):
 * sparsity 0.6 with ER layer densities, ΔT = 1000 module steps, RigL/SET drop fraction α = 0.3 decayed by cosine to 0
 * at 0.8 T, GMP from 0.2 T to 0.8 T, sparse-to-dense until 0.8 T. {@link #create} binds it to a module and T.
 */
public sealed interface RegimeConfig {

    /** The regime acting on {@code module}'s linear layers, T = {@code totalSteps}, draws from {@code seed}. */
    Regime create(Module module, long totalSteps, long seed);

    /** Default topology-update interval ΔT, in module steps. */
    int DEFAULT_INTERVAL = 1000;

    /** Default global sparsity of the sparse regimes. */
    double DEFAULT_SPARSITY = 0.6;

    static Dense dense() {
        return new Dense();
    }

    static StaticSparse staticSparse(double sparsity) {
        return new StaticSparse(sparsity);
    }

    static RigL rigl(double sparsity) {
        return new RigL(sparsity, DEFAULT_INTERVAL, 0.3, 0.8);
    }

    static Set set(double sparsity) {
        return new Set(sparsity, DEFAULT_INTERVAL, 0.3, 0.8);
    }

    static Gmp gmp(double sparsity) {
        return new Gmp(sparsity, DEFAULT_INTERVAL, 0.2, 0.8);
    }

    static SparseToDense sparseToDense(double initialSparsity) {
        return new SparseToDense(initialSparsity, DEFAULT_INTERVAL, 0.8);
    }

    /** Dense training. */
    record Dense() implements RegimeConfig {
        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new DenseRegime();
        }
    }

    /** One-shot random ER mask at initialisation, never changed. */
    record StaticSparse(double sparsity) implements RegimeConfig {
        public StaticSparse {
            checkSparsity(sparsity);
        }

        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new StaticSparseRegime(new SparseLayers(module, seed), sparsity);
        }
    }

    /** RigL: drop smallest |W|, grow largest |∇W L| every {@code interval} steps until {@code endFraction · T}. */
    record RigL(double sparsity, int interval, double dropFraction, double endFraction) implements RegimeConfig {
        public RigL {
            checkSparsity(sparsity);
            checkSchedule(interval, dropFraction, endFraction);
        }

        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new PruneAndRegrowRegime(new SparseLayers(module, seed), sparsity, interval, dropFraction,
                    Schedules.at(endFraction, totalSteps), Growth.GRADIENT);
        }
    }

    /** SET: as RigL, but growth picks inactive entries uniformly at random. */
    record Set(double sparsity, int interval, double dropFraction, double endFraction) implements RegimeConfig {
        public Set {
            checkSparsity(sparsity);
            checkSchedule(interval, dropFraction, endFraction);
        }

        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new PruneAndRegrowRegime(new SparseLayers(module, seed), sparsity, interval, dropFraction,
                    Schedules.at(endFraction, totalSteps), Growth.RANDOM);
        }
    }

    /** Gradual magnitude pruning from dense to {@code sparsity}, cubic between {@code begin·T} and {@code end·T}. */
    record Gmp(double sparsity, int interval, double beginFraction, double endFraction) implements RegimeConfig {
        public Gmp {
            checkSparsity(sparsity);
            checkSchedule(interval, 0, endFraction);
            if (!(beginFraction >= 0 && beginFraction < endFraction)) {
                throw new IllegalArgumentException("GMP begin " + beginFraction + " must lie in [0, end = "
                        + endFraction + ")");
            }
        }

        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new GmpRegime(new SparseLayers(module, seed), sparsity, interval,
                    Math.round(beginFraction * totalSteps), Schedules.at(endFraction, totalSteps));
        }
    }

    /** Sparse-to-dense growth from {@code initialSparsity} to dense at {@code endFraction · T}. */
    record SparseToDense(double initialSparsity, int interval, double endFraction) implements RegimeConfig {
        public SparseToDense {
            checkSparsity(initialSparsity);
            checkSchedule(interval, 0, endFraction);
        }

        @Override
        public Regime create(Module module, long totalSteps, long seed) {
            return new SparseToDenseRegime(new SparseLayers(module, seed), initialSparsity, interval,
                    Schedules.at(endFraction, totalSteps));
        }
    }

    private static void checkSparsity(double s) {
        if (!(s >= 0 && s < 1)) {
            throw new IllegalArgumentException("sparsity " + s + " must lie in [0, 1)");
        }
    }

    private static void checkSchedule(int interval, double dropFraction, double endFraction) {
        if (interval < 1) {
            throw new IllegalArgumentException("topology-update interval " + interval + " must be ≥ 1");
        }
        if (!(dropFraction >= 0 && dropFraction <= 1)) {
            throw new IllegalArgumentException("drop fraction " + dropFraction + " must lie in [0, 1]");
        }
        if (!(endFraction > 0 && endFraction <= 1)) {
            throw new IllegalArgumentException("end fraction " + endFraction + " must lie in (0, 1]");
        }
    }
}
