package dev.topiary.backend.ref;

import dev.topiary.backend.AdamW;
import dev.topiary.backend.Check;
import dev.topiary.backend.OptimOps;
import dev.topiary.backend.Tensor;

import static dev.topiary.backend.ref.RefTensor.d;

/** Optimizer ops in float64, following PyTorch's AdamW ({@code torch.optim.AdamW}, decoupled decay first). */
final class RefOptim extends OptimOps {

    RefOptim(ReferenceBackend backend) {
        super(backend);
    }

    @Override
    protected void adamWImpl(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor mask, AdamW hp, Tensor step) {
        double t = d(step)[0];
        if (t < 1) {
            throw Check.fail("adamW", "step = " + (long) t + " but the step counter starts at 1; call incrementStep "
                    + "before the first update");
        }
        double lr = hp.lr();
        double beta1 = hp.beta1();
        double beta2 = hp.beta2();
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        double[] p = d(param);
        double[] g = d(grad);
        double[] m1 = d(m);
        double[] m2 = d(v);
        double[] active = d(mask);
        for (int i = 0; i < p.length; i++) {
            if (active != null && active[i] == 0) {
                p[i] = 0.0;
                m1[i] = 0.0;
                m2[i] = 0.0;
                continue;
            }
            p[i] *= 1 - lr * hp.weightDecay();
            m1[i] = beta1 * m1[i] + (1 - beta1) * g[i];
            m2[i] = beta2 * m2[i] + (1 - beta2) * g[i] * g[i];
            double mHat = m1[i] / biasCorrection1;
            double vHat = m2[i] / biasCorrection2;
            p[i] -= lr * mHat / (Math.sqrt(vHat) + hp.eps());
        }
    }

    @Override
    protected void incrementStepImpl(Tensor step) {
        d(step)[0] += 1;
    }

    @Override
    protected void sumOfSquaresImpl(Tensor[] grads, Tensor out) {
        d(out)[0] = sumOfSquares(grads);
    }

    private static double sumOfSquares(Tensor[] grads) {
        double sum = 0;
        for (Tensor g : grads) {
            for (double x : d(g)) {
                sum += x * x;
            }
        }
        return sum;
    }

    @Override
    protected void clipByGlobalNormImpl(Tensor[] grads, Tensor sumSq, float maxNorm) {
        double scale = Math.min(1.0, maxNorm / (Math.sqrt(d(sumSq)[0]) + 1e-6));
        for (Tensor g : grads) {
            double[] x = d(g);
            for (int i = 0; i < x.length; i++) {
                x[i] *= scale;
            }
        }
    }

    @Override
    protected void polyakImpl(Tensor target, Tensor source, float tau) {
        double[] t = d(target);
        double[] s = d(source);
        for (int i = 0; i < t.length; i++) {
            t[i] = tau == 1 ? s[i] : (1.0 - tau) * t[i] + (double) tau * s[i];
        }
    }
}
