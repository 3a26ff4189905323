package dev.topiary.backend.ref;

import dev.topiary.backend.LossOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/** Losses in float64: per-element or per-row terms, weighted by row, summed in order and divided by the count. */
final class RefLosses extends LossOps {

    RefLosses(ReferenceBackend backend) {
        super(backend);
    }

    private static double weight(Tensor rowWeights, int r) {
        return rowWeights == null ? 1.0 : d(rowWeights)[r];
    }

    @Override
    protected void huberImpl(Tensor pred, Tensor target, float delta, Tensor rowWeights, Tensor loss, Tensor grad) {
        double[] p = d(pred);
        double[] t = d(target);
        int cols = pred.cols();
        double count = (double) p.length;
        double total = 0;
        for (int r = 0; r < pred.rows(); r++) {
            double w = weight(rowWeights, r);
            double rowSum = 0;
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                double e = p[i] - t[i];
                double a = Math.abs(e);
                rowSum += a < delta ? 0.5 * e * e / delta : a - 0.5 * delta;
                if (grad != null) {
                    // ∂/∂e is e/δ inside the threshold and sign(e) outside: e/δ clamped to [−1, 1].
                    d(grad)[i] = w / count * Math.max(-1.0, Math.min(1.0, e / delta));
                }
            }
            total += w * rowSum;
        }
        d(loss)[0] = total / count;
    }

    @Override
    protected void mseImpl(Tensor pred, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        double[] p = d(pred);
        double[] t = d(target);
        int cols = pred.cols();
        double count = (double) p.length;
        double total = 0;
        for (int r = 0; r < pred.rows(); r++) {
            double w = weight(rowWeights, r);
            double rowSum = 0;
            for (int j = 0; j < cols; j++) {
                int i = r * cols + j;
                double e = p[i] - t[i];
                rowSum += e * e;
                if (grad != null) {
                    d(grad)[i] = 2.0 * w / count * e;
                }
            }
            total += w * rowSum;
        }
        d(loss)[0] = total / count;
    }

    @Override
    protected void crossEntropyImpl(Tensor logits, Tensor target, Tensor rowWeights, Tensor loss, Tensor grad) {
        double[] x = d(logits);
        double[] t = d(target);
        int rows = logits.rows();
        int n = logits.cols();
        double[] logP = new double[n];
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double w = weight(rowWeights, r);
            System.arraycopy(x, r * n, logP, 0, n);
            RefNn.softmaxRow(logP, logP, 0, n, true);
            double rowSum = 0;
            double targetMass = 0;
            for (int j = 0; j < n; j++) {
                rowSum += t[r * n + j] * logP[j];
                targetMass += t[r * n + j];
            }
            total -= w * rowSum;
            if (grad != null) {
                // ∂/∂x_j of −Σ_k t_k log softmax(x)_k is softmax(x)_j · Σ_k t_k − t_j.
                for (int j = 0; j < n; j++) {
                    d(grad)[r * n + j] = w / rows * (Math.exp(logP[j]) * targetMass - t[r * n + j]);
                }
            }
        }
        d(loss)[0] = total / rows;
    }
}
