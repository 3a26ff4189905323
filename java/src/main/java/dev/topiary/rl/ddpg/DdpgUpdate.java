package dev.topiary.rl.ddpg;

import dev.topiary.backend.Backend;
import dev.topiary.backend.ElementOps;
import dev.topiary.backend.NnOps.Activation;
import dev.topiary.backend.ReduceOps.Kind;
import dev.topiary.backend.ElementOps.Binary;
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
 * One DDPG gradient update (Lillicrap et al., 2016, with SimBa's settings) on a uniform batch
 * (s, a, r, γ·notdone, s'), observations normalised first:
 *
 * <pre>
 *   critic:  y = r + γ·notdone · Q̄(s', tanh(π̄(s'))),   L_Q = mean (Q(s, a) − y)²
 *   actor:   L_π = −mean Q(s, tanh(π(s)))
 *   targets: Q̄ ← τQ + (1 − τ)Q̄,  π̄ ← τπ + (1 − τ)π̄     (see {@link PolyakTarget})
 * </pre>
 *
 * The critic is frozen while it scores the actor's actions: the gradient passes through it into the action and on
 * into π, and only π is updated. No random draw happens here (DDPG's target is deterministic).
 */
final class DdpgUpdate implements SimbaUpdate {
    private final Backend b;
    private final SparseModule critic;
    private final SparseModule actor;
    private final PolyakTarget criticTarget;
    private final PolyakTarget actorTarget;
    private final NormalisedObservations observations;
    private final int obsDim;
    private final Tensor obs;
    private final Tensor nextObs;
    private final Tensor action;
    private final Tensor cat;
    private final Tensor y;
    private final Tensor dq;
    private final Tensor dqActor;
    private final Tensor dAction;
    private final Tensor dPre;
    private final Tensor criticLoss;
    private final Tensor meanQ;
    private final DenseGradients criticGradients;
    private final DenseGradients actorGradients;

    DdpgUpdate(Backend b, TensorArena arena, DdpgAgent.Networks net, ObservationNormalizer normalizer, int batch,
               int obsDim, int actionDim) {
        this.b = b;
        this.critic = net.critic();
        this.actor = net.actor();
        this.criticTarget = net.criticTarget();
        this.actorTarget = net.actorTarget();
        this.obsDim = obsDim;
        this.observations = new NormalisedObservations(b, arena, normalizer, batch, obsDim);
        this.obs = observations.obs();
        this.nextObs = observations.nextObs();
        this.action = arena.f32(batch, actionDim);
        this.cat = arena.f32(batch, obsDim + actionDim);
        this.y = arena.f32(batch, 1);
        this.dq = arena.f32(batch, 1);
        this.dqActor = arena.f32(batch, 1);
        this.dAction = arena.f32(batch, actionDim);
        this.dPre = arena.f32(batch, actionDim);
        this.criticLoss = arena.f32(1, 1);
        this.meanQ = arena.f32(1, 1);
        // −mean over the batch: each Q entry's gradient is −1/B.
        b.elements().fill(dqActor, -1.0 / batch);
        this.criticGradients = DenseGradients.of(q().pass(batch));
        this.actorGradients = DenseGradients.of(pi().pass(batch));
    }

    private Network q() {
        return critic.module().network("q1");
    }

    private Network pi() {
        return actor.module().network("pi");
    }

    /** Critic, actor and target steps on {@code batch}; nothing is drawn, so {@code index} is unused. */
    @Override
    public void run(NStepBatch batch, long index) {
        observations.load(batch);
        boolean criticRewired = criticStep(batch);
        boolean actorRewired = actorStep();
        criticTarget.update(criticRewired);
        actorTarget.update(actorRewired);
    }

    private boolean criticStep(NStepBatch batch) {
        ElementOps el = b.elements();
        Tensor preNext = actorTarget.target().network("pi").forward(nextObs);
        b.nn().activation(Activation.TANH, preNext, action);
        el.concatCols(new Tensor[]{nextObs, action}, cat);
        Tensor qNext = criticTarget.target().network("q1").forward(cat);
        el.binary(Binary.MUL, qNext, batch.bootstrap(), y);
        el.binary(Binary.ADD, y, batch.returns(), y);

        el.concatCols(new Tensor[]{obs, batch.action()}, cat);
        Tensor q = q().forward(cat);
        b.losses().mse(q, y, null, criticLoss, dq);
        q().backward(dq, false);
        return critic.step(criticGradients).isPresent();
    }

    private boolean actorStep() {
        ElementOps el = b.elements();
        Tensor pre = pi().forward(obs);
        b.nn().activation(Activation.TANH, pre, action);
        critic.module().setTrainable(false);
        try {
            el.concatCols(new Tensor[]{obs, action}, cat);
            Tensor q = q().forward(cat);
            b.reduce().all(Kind.MEAN, q, meanQ);
            el.sliceCols(q().backward(dqActor, true), obsDim, dAction);
        } finally {
            critic.module().setTrainable(true);
        }
        b.nn().activationBackward(Activation.TANH, pre, action, dAction, dPre);
        pi().backward(dPre, false);
        return actor.step(actorGradients).isPresent();
    }

    double criticLoss() {
        return criticLoss.scalar();
    }

    /** mean Q(s, π(s)) of the last actor batch; the actor's loss is its negative. */
    double meanQ() {
        return meanQ.scalar();
    }

    @Override
    public Tensor[] metricTensors() {
        return new Tensor[]{criticLoss, meanQ};
    }
}
