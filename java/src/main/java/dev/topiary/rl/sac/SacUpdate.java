package dev.topiary.rl.sac;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.ElementOps.Binary;
import dev.topiary.backend.ElementOps.Unary;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.Tensor;
import dev.topiary.backend.TensorArena;
import dev.topiary.nn.DenseGradients;
import dev.topiary.nn.Network;
import dev.topiary.rl.replay.NStepBatch;
import dev.topiary.rl.simba.NormalisedObservations;
import dev.topiary.rl.simba.ObservationNormalizer;
import dev.topiary.rl.simba.PolyakTarget;
import dev.topiary.rl.simba.SimbaUpdate;
import dev.topiary.sparse.SparseModule;

/**
 * One SAC gradient update (Haarnoja et al., 2018, with SimBa's settings) on a uniform batch (s, a, r, γ·notdone, s'),
 * observations normalised first:
 *
 * <pre>
 *   critic:      a' ~ π(·|s'),  y = r + γ·notdone · (min_k Q̄_k(s', a') − α log π(a'|s'))
 *                L_Q = mean over both heads of (Q_k(s, a) − y)²
 *   actor:       a ~ π(·|s) (reparameterised),  L_π = mean(α log π(a|s) − min_k Q_k(s, a))
 *   temperature: L_α = α · mean(−log π(a|s) − H̄)              (see {@link Temperature})
 *   target:      Q̄ ← τQ + (1 − τ)Q̄                            (see {@link PolyakTarget})
 * </pre>
 *
 * The critic is frozen while it scores the actor's actions: the gradient passes through it into the action and on
 * into π, and only π is updated. The gradient of the min goes to the smaller head (half to each on a tie). Every op
 * runs on the backend; the two noise draws are keyed by the update's index. The update owns the {@link Temperature}
 * it steps (the agent reads and checkpoints it through {@link #temperature()}).
 */
final class SacUpdate implements SimbaUpdate {
    private static final long TARGET_NOISE_STREAM = 0x5AC1L << 40;
    private static final long ACTOR_NOISE_STREAM = 0x5AC2L << 40;

    private final Backend b;
    private final SparseModule critic;
    private final SparseModule actor;
    private final PolyakTarget criticTarget;
    private final NormalisedObservations observations;
    private final Temperature temperature;
    private final long seed;
    private final int obsDim;
    private final float invBatch;
    private final TanhGaussian targetPolicy;
    private final TanhGaussian policy;
    private final Tensor obs;
    private final Tensor nextObs;
    private final Tensor cat;
    private final Tensor qMin;
    private final Tensor entropyTerm;
    private final Tensor y;
    private final Tensor dq1;
    private final Tensor dq2;
    private final Tensor dCat;
    private final Tensor dAction;
    private final Tensor criticLoss1;
    private final Tensor criticLoss2;
    private final Tensor meanLogProb;
    private final Tensor meanQ;
    private final Tensor actorLoss;
    private final DenseGradients criticGradients;
    private final DenseGradients actorGradients;

    SacUpdate(Backend b, TensorArena arena, SacAgent.Networks net, ObservationNormalizer normalizer,
              SacHyperParameters hp, int obsDim, int actionDim, long seed) {
        int batch = hp.generic().batchSize();
        this.temperature = new Temperature(b, arena, hp.temperature(), hp.targetEntropy(actionDim), batch);
        this.b = b;
        this.critic = net.critic();
        this.actor = net.actor();
        this.criticTarget = net.criticTarget();
        this.seed = seed;
        this.obsDim = obsDim;
        this.invBatch = 1f / batch;
        SacHyperParameters.Policy p = hp.policy();
        this.targetPolicy = new TanhGaussian(b, arena, batch, actionDim, p.logStdMin(), p.logStdMax());
        this.policy = new TanhGaussian(b, arena, batch, actionDim, p.logStdMin(), p.logStdMax());
        this.observations = new NormalisedObservations(b, arena, normalizer, batch, obsDim);
        this.obs = observations.obs();
        this.nextObs = observations.nextObs();
        this.cat = arena.f32(batch, obsDim + actionDim);
        this.qMin = arena.f32(batch, 1);
        this.entropyTerm = arena.f32(batch, 1);
        this.y = arena.f32(batch, 1);
        this.dq1 = arena.f32(batch, 1);
        this.dq2 = arena.f32(batch, 1);
        this.dCat = arena.f32(batch, obsDim + actionDim);
        this.dAction = arena.f32(batch, actionDim);
        this.criticLoss1 = arena.f32(1, 1);
        this.criticLoss2 = arena.f32(1, 1);
        this.meanLogProb = arena.f32(1, 1);
        this.meanQ = arena.f32(1, 1);
        this.actorLoss = arena.f32(1, 1);
        this.criticGradients = DenseGradients.of(q1().pass(batch), q2().pass(batch));
        this.actorGradients = DenseGradients.of(pi().pass(batch));
    }

    private Network q1() {
        return critic.module().network("q1");
    }

    private Network q2() {
        return critic.module().network("q2");
    }

    private Network pi() {
        return actor.module().network("pi");
    }

    /** Critic, actor, temperature and target steps on {@code batch}; {@code update} keys the noise. */
    @Override
    public void run(NStepBatch batch, long update) {
        observations.load(batch);
        boolean rewired = criticStep(batch, update);
        actorStep(update);
        temperature.update(meanLogProb);
        criticTarget.update(rewired);
    }

    /** The critic step; true when it ran a topology update (the target must follow the new masks). */
    private boolean criticStep(NStepBatch batch, long update) {
        ElementOps el = b.elements();
        targetPolicy.sample(pi().forward(nextObs), seed, TARGET_NOISE_STREAM + update);
        el.concatCols(new Tensor[]{nextObs, targetPolicy.action()}, cat);
        Tensor t1 = criticTarget.target().network("q1").forward(cat);
        Tensor t2 = criticTarget.target().network("q2").forward(cat);
        el.binary(Binary.MIN, t1, t2, qMin);
        el.binary(Binary.MUL, targetPolicy.logProb(), temperature.alpha(), entropyTerm);
        el.binary(Binary.SUB, qMin, entropyTerm, qMin);
        el.binary(Binary.MUL, qMin, batch.bootstrap(), qMin);
        el.binary(Binary.ADD, qMin, batch.returns(), y);

        el.concatCols(new Tensor[]{obs, batch.action()}, cat);
        Tensor q1 = q1().forward(cat);
        Tensor q2 = q2().forward(cat);
        b.losses().mse(q1, y, null, criticLoss1, dq1);
        b.losses().mse(q2, y, null, criticLoss2, dq2);
        el.affine(dq1, 0.5f, 0f, dq1);
        el.affine(dq2, 0.5f, 0f, dq2);
        q1().backward(dq1, false);
        q2().backward(dq2, false);
        return critic.step(criticGradients).isPresent();
    }

    private void actorStep(long update) {
        ElementOps el = b.elements();
        Tensor pre = pi().forward(obs);
        policy.sample(pre, seed, ACTOR_NOISE_STREAM + update);
        critic.module().setTrainable(false);
        try {
            el.concatCols(new Tensor[]{obs, policy.action()}, cat);
            Tensor q1 = q1().forward(cat);
            Tensor q2 = q2().forward(cat);
            minGradients(q1, q2);
            el.copy(q1().backward(dq1, true), dCat);
            el.binary(Binary.ADD, dCat, q2().backward(dq2, true), dCat);
            el.sliceCols(dCat, obsDim, dAction);
        } finally {
            critic.module().setTrainable(true);
        }
        pi().backward(policy.backward(dAction, temperature.alphaOverBatch()), false);
        actor.step(actorGradients);
        b.reduce().all(Kind.MEAN, policy.logProb(), meanLogProb);
        b.elements().binary(Binary.MUL, meanLogProb, temperature.alpha(), actorLoss);
        b.elements().binary(Binary.SUB, actorLoss, meanQ, actorLoss);
    }

    /**
     * dq_k = −(1/B)·[Q_k is the smaller head] (½ each on a tie): m₁ = (1 − sign(Q₁ − Q₂))/2, m₂ = 1 − m₁. Also the
     * batch mean of min(Q₁, Q₂) for the loss.
     */
    private void minGradients(Tensor q1, Tensor q2) {
        ElementOps el = b.elements();
        el.binary(Binary.SUB, q1, q2, dq1);
        el.unary(Unary.SIGN, dq1, dq1);
        el.affine(dq1, -0.5f, 0.5f, dq1);
        el.affine(dq1, invBatch, -invBatch, dq2);
        el.affine(dq1, -invBatch, 0f, dq1);
        el.binary(Binary.MIN, q1, q2, qMin);
        b.reduce().all(Kind.MEAN, qMin, meanQ);
    }

    /** Mean over both heads of the critic's squared error, last update. */
    double criticLoss() {
        return 0.5 * (criticLoss1.scalar() + criticLoss2.scalar());
    }

    double actorLoss() {
        return actorLoss.scalar();
    }

    /** −mean log π of the actor batch, last update. */
    double entropy() {
        return -meanLogProb.scalar();
    }

    /** mean min_k Q_k(s, π(s)) of the actor batch, last update. */
    double meanQ() {
        return meanQ.scalar();
    }

    /** The entropy temperature α this update learns. */
    Temperature temperature() {
        return temperature;
    }

    @Override
    public Tensor[] metricTensors() {
        return new Tensor[]{criticLoss1, criticLoss2, meanLogProb, meanQ, actorLoss};
    }
}
