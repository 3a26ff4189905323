package dev.topiary.backend;

/** Base of every op family: knows its backend so it can reject tensors that belong to another one. */
public abstract class OpFamily {
    protected final Backend backend;

    protected OpFamily(Backend backend) {
        this.backend = backend;
    }

    protected final void owned(String op, Tensor... tensors) {
        Check.owned(op, backend, tensors);
    }
}
