package dev.topiary.backend.ref;

import dev.topiary.backend.NnOps;
import dev.topiary.backend.Philox;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/** Activations, LayerNorm, softmax and two-hot encoding in float64, row by row. */
final class RefNn extends NnOps {

    RefNn(ReferenceBackend backend) {
        super(backend);
    }

    static double activate(Activation f, double x) {
        return switch (f) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0.0);
            case ELU -> x > 0 ? x : Math.expm1(x);
            case TANH -> Math.tanh(x);
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
        };
    }

    /**
     * {@code dy · f'(x)}, reading the input x or the output y = f(x), whichever the formula needs. A dead ReLU unit
     * passes exactly 0, even for an infinite dy.
     */
    static double backward(Activation f, double x, double y, double dy) {
        return switch (f) {
            case IDENTITY -> dy;
            case RELU -> x > 0 ? dy : 0.0;
            case ELU -> x > 0 ? dy : dy * (y + 1.0);
            case TANH -> dy * (1.0 - y * y);
            case SOFTPLUS -> dy / (1.0 + Math.exp(-x));
        };
    }

    @Override
    protected void activationImpl(Activation f, Tensor x, Tensor y) {
        double[] xs = d(x);
        double[] ys = d(y);
        for (int i = 0; i < xs.length; i++) {
            ys[i] = activate(f, xs[i]);
        }
    }

    @Override
    protected void activationBackwardImpl(Activation f, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        double[] xs = d(x);
        double[] ys = d(y);
        double[] g = d(dy);
        double[] o = d(dx);
        for (int i = 0; i < xs.length; i++) {
            o[i] = backward(f, xs[i], ys[i], g[i]);
        }
    }

    @Override
    protected void layerNormImpl(Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y, Tensor mean, Tensor rstd) {
        double[] xs = d(x);
        double[] ys = d(y);
        int rows = x.rows();
        int n = x.cols();
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double mu = 0;
            for (int j = 0; j < n; j++) {
                mu += xs[o + j];
            }
            mu /= n;
            double var = 0;
            for (int j = 0; j < n; j++) {
                double c = xs[o + j] - mu;
                var += c * c;
            }
            var /= n;
            double rs = 1.0 / Math.sqrt(var + eps);
            for (int j = 0; j < n; j++) {
                double xhat = (xs[o + j] - mu) * rs;
                ys[o + j] = gamma == null ? xhat : xhat * d(gamma)[j] + d(beta)[j];
            }
            d(mean)[r] = mu;
            d(rstd)[r] = rs;
        }
    }

    @Override
    protected void layerNormBackwardImpl(Tensor dy, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dx,
                                         Tensor dgamma, Tensor dbeta) {
        double[] xs = d(x);
        double[] g = d(dy);
        int rows = x.rows();
        int n = x.cols();
        double[] dg = new double[n];
        double[] db = new double[n];
        for (int r = 0; r < rows; r++) {
            int o = r * n;
            double mu = d(mean)[r];
            double rs = d(rstd)[r];
            double sumG = 0;
            double sumGXhat = 0;
            for (int j = 0; j < n; j++) {
                double xhat = (xs[o + j] - mu) * rs;
                double gj = gamma == null ? g[o + j] : g[o + j] * d(gamma)[j];
                sumG += gj;
                sumGXhat += gj * xhat;
                dg[j] += g[o + j] * xhat;
                db[j] += g[o + j];
            }
            double meanG = sumG / n;
            double meanGXhat = sumGXhat / n;
            for (int j = 0; j < n; j++) {
                double xhat = (xs[o + j] - mu) * rs;
                double gj = gamma == null ? g[o + j] : g[o + j] * d(gamma)[j];
                d(dx)[o + j] = rs * (gj - meanG - xhat * meanGXhat);
            }
        }
        if (gamma != null) {
            System.arraycopy(dg, 0, d(dgamma), 0, n);
            System.arraycopy(db, 0, d(dbeta), 0, n);
        }
    }

    @Override
    protected void softmaxImpl(Tensor x, Tensor y, boolean log) {
        int n = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            softmaxRow(d(x), d(y), r * n, n, log);
        }
    }

    /** Softmax (or log-softmax) of {@code in[o .. o+n)} into {@code out}, subtracting the row maximum first. */
    static void softmaxRow(double[] in, double[] out, int o, int n, boolean log) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, in[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(in[o + j] - max);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < n; j++) {
            double shifted = in[o + j] - max;
            out[o + j] = log ? shifted - logSum : Math.exp(shifted) / sum;
        }
    }

    @Override
    protected void softmaxBackwardImpl(Tensor y, Tensor dy, Tensor dx, boolean log) {
        double[] ys = d(y);
        double[] g = d(dy);
        double[] o = d(dx);
        int n = y.cols();
        for (int r = 0; r < y.rows(); r++) {
            int base = r * n;
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += log ? g[base + j] : g[base + j] * ys[base + j];
            }
            for (int j = 0; j < n; j++) {
                int i = base + j;
                o[i] = log ? g[i] - Math.exp(ys[i]) * s : ys[i] * (g[i] - s);
            }
        }
    }

    @Override
    protected void gumbelSoftmaxImpl(Tensor logits, float tau, long seed, long stream, Tensor y) {
        double[] xs = d(logits);
        double[] z = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double u = Philox.toOpenUniform(Philox.word(seed, stream, i));
            double g = -Math.log(-Math.log(u));
            z[i] = (xs[i] + g) / tau;
        }
        int n = logits.cols();
        for (int r = 0; r < logits.rows(); r++) {
            softmaxRow(z, d(y), r * n, n, false);
        }
    }

    @Override
    protected void twoHotImpl(Tensor values, Tensor bins, Tensor out) {
        double[] b = d(bins);
        double[] o = d(out);
        int nb = b.length;
        java.util.Arrays.fill(o, 0.0);
        for (int r = 0; r < values.rows(); r++) {
            double v = Math.min(Math.max(d(values)[r], b[0]), b[nb - 1]);
            int k = lowerBin(b, v);
            double width = b[k + 1] - b[k];
            double upper = width > 0 ? (v - b[k]) / width : 0.0;
            o[r * nb + k] = 1.0 - upper;
            o[r * nb + k + 1] = upper;
        }
    }

    /**
     * Index k in [0, nb−2] of the bin pair (k, k+1) holding v: the last bin with {@code bins[k] ≤ v}, capped so that
     * k+1 exists; NaN (no bin ≤ it) gives 0.
     */
    static int lowerBin(double[] bins, double v) {
        int k = 0;
        while (k + 2 < bins.length && bins[k + 1] <= v) {
            k++;
        }
        return k;
    }
}
