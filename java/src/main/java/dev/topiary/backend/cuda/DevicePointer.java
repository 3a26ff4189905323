package dev.topiary.backend.cuda;

import jcuda.driver.CUdeviceptr;

/** A {@link CUdeviceptr} whose address can be read as a number, so tensors can carry plain 64-bit addresses. */
final class DevicePointer extends CUdeviceptr {

    long address() {
        return getNativePointer() + getByteOffset();
    }

    /** A driver-API pointer to an arbitrary device address. */
    static CUdeviceptr at(long address) {
        return new CUdeviceptr().withByteOffset(address);
    }
}
