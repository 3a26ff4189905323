package dev.topiary.backend.kernel;

import dev.topiary.backend.LossOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.F64;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * Losses by the kernels of {@code kernels/losses.cu}: a first pass writes the gradient and one double partial sum per
 * block into a scratch buffer of this object; a one-block final pass adds the partials in order and divides. A
 * first pass of one block writes the loss itself, so small losses take one launch.
 */
final class KernelLosses extends LossOps {
    private static final int HUBER = 0;
    private static final int MSE = 1;
    private static final Kernel POINTWISE = Kernel.of("loss_pointwise", I32, PTR, PTR, PTR, I64, I32, F32, F64, PTR,
            PTR, PTR);
    private static final Kernel FINAL = Kernel.of("loss_final", PTR, I32, F64, PTR);
    private static final Kernel CROSS_ENTROPY = Kernel.of("loss_cross_entropy", PTR, PTR, PTR, I32, I32, PTR, PTR,
            PTR);

    private final KernelElementsSupport.Scratch partials;

    KernelLosses(KernelBackend backend) {
        super(backend);
        this.partials = new KernelElementsSupport.Scratch(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        pointwise(HUBER, pred, target, delta, rowWeights, loss, grad);
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        pointwise(MSE, pred, target, 1f, rowWeights, loss, grad);
    }

    private void pointwise(int kind, Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss,
                           Tensor grad) {
        long n = pred.size();
        double count = n;
        Launch first = KernelElementsSupport.partialBlocks(kb().blockSize(), n);
        long scratch = first.gx() > 1 ? partials.ensure((long) first.gx() * Double.BYTES) : 0L;
        kb().stream().launch(POINTWISE, first, kind, ptr(pred), ptr(target), ptr(rowWeights), n, pred.cols(), delta,
                count, ptr(grad), scratch, ptr(loss));
        finish(first, scratch, count, loss);
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        int rows = logits.rows();
        Launch first = KernelElementsSupport.rowGroups(kb().blockSize(), rows, logits.cols());
        long scratch = first.gx() > 1 ? partials.ensure((long) first.gx() * Double.BYTES) : 0L;
        kb().stream().launch(CROSS_ENTROPY, first, ptr(logits), ptr(target), ptr(rowWeights), rows, logits.cols(),
                ptr(grad), scratch, ptr(loss));
        // loss = −Σ w·Σ t·log p / rows.
        finish(first, scratch, -(double) rows, loss);
    }

    /** The final pass, when the first had more than one block: loss = Σ partials / divisor. */
    private void finish(Launch first, long scratch, double divisor, Tensor loss) {
        if (first.gx() > 1) {
            kb().stream().launch(FINAL, new Launch(1, 1, 1, kb().blockSize(), 1, 1, 0), scratch, first.gx(), divisor,
                    ptr(loss));
        }
    }
}
