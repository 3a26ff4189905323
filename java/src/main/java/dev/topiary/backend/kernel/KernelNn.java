package dev.topiary.backend.kernel;

import dev.topiary.backend.NnOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.kernel.ArgType.F32;
import static dev.topiary.backend.kernel.ArgType.I32;
import static dev.topiary.backend.kernel.ArgType.I64;
import static dev.topiary.backend.kernel.ArgType.PTR;
import static dev.topiary.backend.kernel.KernelElementsSupport.gridStride;
import static dev.topiary.backend.kernel.KernelElementsSupport.rowGroups;
import static dev.topiary.backend.kernel.KernelTensor.ptr;

/**
 * NN ops by the kernels of {@code kernels/nn.cu}: activations elementwise, the row-wise ops (LayerNorm, softmax,
 * Gumbel-softmax) one row per warp or per block, two-hot one output element per thread. LayerNorm's dgamma/dbeta
 * are column sums in two fixed-order passes through a scratch buffer of this object; they run before dx, which may
 * overwrite dy.
 */
final class KernelNn extends NnOps {
    private static final Kernel ACTIVATION = Kernel.of("nn_activation", I32, PTR, PTR, I64);
    private static final Kernel ACTIVATION_BWD = Kernel.of("nn_activation_bwd", I32, PTR, PTR, PTR, PTR, I64);
    private static final Kernel LAYER_NORM = Kernel.of("nn_layer_norm", PTR, PTR, PTR, F32, I32, I32, PTR, PTR, PTR);
    private static final Kernel LAYER_NORM_BWD = Kernel.of("nn_layer_norm_bwd", PTR, PTR, PTR, PTR, PTR, I32, I32,
            PTR);
    private static final Kernel LN_PARAMS = Kernel.of("nn_layer_norm_params", PTR, PTR, PTR, PTR, I32, I32, I32, PTR,
            PTR, PTR);
    private static final Kernel LN_PARAMS_FINAL = Kernel.of("nn_layer_norm_params_final", PTR, I32, I32, PTR, PTR);
    private static final Kernel SOFTMAX = Kernel.of("nn_softmax", PTR, PTR, I32, I32, I32);
    private static final Kernel SOFTMAX_BWD = Kernel.of("nn_softmax_bwd", PTR, PTR, PTR, I32, I32, I32);
    private static final Kernel GUMBEL = Kernel.of("nn_gumbel_softmax", PTR, F32, I64, I64, PTR, I32, I32);
    private static final Kernel TWO_HOT = Kernel.of("nn_two_hot", PTR, PTR, I32, PTR, I64);

    private final KernelElementsSupport.Scratch partials;

    KernelNn(KernelBackend backend) {
        super(backend);
        this.partials = new KernelElementsSupport.Scratch(backend);
    }

    private KernelBackend kb() {
        return (KernelBackend) backend;
    }

    private Device device() {
        return kb().stream();
    }

    @Override
    protected void activationImpl(Activation f, Tensor x, Tensor y) {
        long n = x.size();
        if (n > 0 && !(f == Activation.IDENTITY && x == y)) {
            device().launch(ACTIVATION, gridStride(kb().blockSize(), (n + 3) / 4), f.ordinal(), ptr(x), ptr(y), n);
        }
    }

    @Override
    protected void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        long n = x.size();
        if (n > 0 && !(f == Activation.IDENTITY && dy == dx)) {
            device().launch(ACTIVATION_BWD, gridStride(kb().blockSize(), (n + 3) / 4), f.ordinal(), ptr(x), ptr(y),
                    ptr(dy), ptr(dx), n);
        }
    }

    @Override
    protected void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        int rows = x.rows();
        if (rows > 0) {
            device().launch(LAYER_NORM, rowGroups(kb().blockSize(), rows, x.cols()), ptr(x), ptr(gamma), ptr(beta),
                    eps, rows, x.cols(), ptr(y), ptr(mean), ptr(rstd));
        }
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx,
                                         Tensor dgamma, Tensor dbeta) {
        int rows = x.rows();
        int cols = x.cols();
        if (gamma != null && cols > 0) {
            layerNormParams(dy, x, mean, rstd, dgamma, dbeta);
        }
        if (rows > 0 && cols > 0) {
            device().launch(LAYER_NORM_BWD, rowGroups(kb().blockSize(), rows, cols), ptr(dy), ptr(x), ptr(gamma),
                    ptr(mean), ptr(rstd), rows, cols, ptr(dx));
        }
    }

    /** dgamma and dbeta: per-chunk column sums, then (with several chunks) their sum in chunk order. */
    private void layerNormParams(Tensor dy, Tensor x, Tensor mean, Tensor rstd, Tensor dgamma, Tensor dbeta) {
        int rows = x.rows();
        int cols = x.cols();
        int block = kb().blockSize();
        KernelElementsSupport.Columns plan = KernelElementsSupport.columns(block, rows, cols);
        long scratch = plan.chunks() > 1 ? partials.ensure(2L * plan.chunks() * cols * Double.BYTES) : 0L;
        device().launch(LN_PARAMS, plan.launch(), ptr(dy), ptr(x), ptr(mean), ptr(rstd), rows, cols,
                plan.chunkRows(), scratch, ptr(dgamma), ptr(dbeta));
        if (plan.chunks() > 1) {
            device().launch(LN_PARAMS_FINAL, gridStride(block, cols), scratch, plan.chunks(), cols, ptr(dgamma),
                    ptr(dbeta));
        }
    }

    @Override
    protected void softmaxImpl(Tensor x, Tensor y, boolean log) {
        if (x.size() > 0) {
            device().launch(SOFTMAX, rowGroups(kb().blockSize(), x.rows(), x.cols()), ptr(x), ptr(y), x.rows(),
                    x.cols(), log ? 1 : 0);
        }
    }

    @Override
    protected void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log) {
        if (y.size() > 0) {
            device().launch(SOFTMAX_BWD, rowGroups(kb().blockSize(), y.rows(), y.cols()), ptr(y), ptr(dy), ptr(dx),
                    y.rows(), y.cols(), log ? 1 : 0);
        }
    }

    @Override
    protected void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y) {
        if (logits.size() > 0) {
            device().launch(GUMBEL, rowGroups(kb().blockSize(), logits.rows(), logits.cols()), ptr(logits), tau, seed,
                    stream, ptr(y), logits.rows(), logits.cols());
        }
    }

    @Override
    protected void twoHotImpl(Tensor values, Tensor bins, Tensor out) {
        long n = out.size();
        if (n > 0) {
            device().launch(TWO_HOT, gridStride(kb().blockSize(), n), ptr(values), ptr(bins), bins.cols(), ptr(out),
                    n);
        }
    }
}
