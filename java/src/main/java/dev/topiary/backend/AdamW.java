package dev.topiary.backend;

/**
 * AdamW hyper-parameters (Loshchilov and Hutter): decoupled weight decay, applied as
 * {@code θ ← θ − lr·λ·θ} before the Adam step.
 */
public record AdamW(float lr, float beta1, float beta2, float eps, float weightDecay) {

    public AdamW {
        if (!(lr >= 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("AdamW lr = " + lr + " must be finite and ≥ 0");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas (" + beta1 + ", " + beta2 + ") must lie in [0, 1)");
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("AdamW eps = " + eps + " must be positive and finite");
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("AdamW weightDecay = " + weightDecay + " must be finite and ≥ 0");
        }
    }

    /** PyTorch's defaults with the given learning rate and weight decay: β = (0.9, 0.999), ε = 1e-8. */
    public static AdamW of(float lr, float weightDecay) {
        return new AdamW(lr, 0.9f, 0.999f, 1e-8f, weightDecay);
    }
}
