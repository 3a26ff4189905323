package dev.topiary.backend.cuda;

import dev.topiary.backend.kernel.ArgType;
import dev.topiary.backend.kernel.DeviceGraph;
import dev.topiary.backend.kernel.GraphNode;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUDA_KERNEL_NODE_PARAMS;
import jcuda.driver.CUDA_MEMCPY3D;
import jcuda.driver.CUDA_MEMSET_NODE_PARAMS;
import jcuda.driver.CUcontext;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUstream;

import java.util.List;
import java.util.function.Function;

import static jcuda.driver.JCudaDriver.cuGraphAddKernelNode;
import static jcuda.driver.JCudaDriver.cuGraphAddMemcpyNode;
import static jcuda.driver.JCudaDriver.cuGraphAddMemsetNode;
import static jcuda.driver.JCudaDriver.cuGraphCreate;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecKernelNodeSetParams;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;

/**
 * A CUDA graph built explicitly from recorded nodes: each node depends on the one before it, which is the order
 * one stream gives, so the graph computes exactly what the eager launches would. Kernel parameters are copied into
 * the nodes when added or updated ({@code cuGraphExecKernelNodeSetParams}), as the driver specifies.
 */
final class CudaGraph implements DeviceGraph {
    private final CUgraph graph = new CUgraph();
    private final CUgraphExec exec = new CUgraphExec();
    private final CUgraphNode[] handles;
    private final CUstream stream;
    private final Function<String, CUfunction> functions;

    CudaGraph(List<GraphNode> nodes, CUcontext context, CUstream stream, Function<String, CUfunction> functions) {
        this.stream = stream;
        this.functions = functions;
        this.handles = new CUgraphNode[nodes.size()];
        cuGraphCreate(graph, 0);
        try {
            for (int i = 0; i < nodes.size(); i++) {
                handles[i] = new CUgraphNode();
                CUgraphNode[] deps = i == 0 ? new CUgraphNode[0] : new CUgraphNode[]{handles[i - 1]};
                add(nodes.get(i), handles[i], deps, context);
            }
            cuGraphInstantiate(exec, graph, 0);
        } catch (CudaException e) {
            cuGraphDestroy(graph);
            throw new IllegalStateException("could not build a CUDA graph of " + nodes.size() + " nodes: "
                    + e.getMessage() + " (run with -Dtopiary.graphs=false to launch op by op)", e);
        }
    }

    private void add(GraphNode n, CUgraphNode handle, CUgraphNode[] deps, CUcontext context) {
        switch (n.kind()) {
            case KERNEL -> cuGraphAddKernelNode(handle, graph, deps, deps.length, params(n));
            case COPY -> {
                CUDA_MEMCPY3D p = new CUDA_MEMCPY3D();
                p.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
                p.srcDevice = DevicePointer.at(n.src());
                p.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
                p.dstDevice = DevicePointer.at(n.dst());
                p.WidthInBytes = n.bytes();
                p.Height = 1;
                p.Depth = 1;
                cuGraphAddMemcpyNode(handle, graph, deps, deps.length, p, context);
            }
            case MEMSET -> {
                CUDA_MEMSET_NODE_PARAMS p = new CUDA_MEMSET_NODE_PARAMS();
                p.dst = DevicePointer.at(n.dst());
                p.value = 0;
                p.elementSize = 1;
                p.width = n.bytes();
                p.height = 1;
                p.pitch = n.bytes();
                cuGraphAddMemsetNode(handle, graph, deps, deps.length, p, context);
            }
        }
    }

    private CUDA_KERNEL_NODE_PARAMS params(GraphNode n) {
        CUDA_KERNEL_NODE_PARAMS p = new CUDA_KERNEL_NODE_PARAMS();
        p.func = functions.apply(n.kernel().name());
        p.gridDimX = n.launch().gx();
        p.gridDimY = n.launch().gy();
        p.gridDimZ = n.launch().gz();
        p.blockDimX = n.launch().bx();
        p.blockDimY = n.launch().by();
        p.blockDimZ = n.launch().bz();
        p.sharedMemBytes = Math.toIntExact(n.launch().sharedBytes());
        p.kernelParams = Pointer.to(arguments(n.kernel().args(), n.args()));
        return p;
    }

    /** One pointer per kernel argument, to its value, as {@code cuLaunchKernel} takes them. */
    static Pointer[] arguments(List<ArgType> types, Object[] args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (types.get(i)) {
                case PTR, I64 -> Pointer.to(new long[]{(Long) args[i]});
                case I32 -> Pointer.to(new int[]{(Integer) args[i]});
                case F32 -> Pointer.to(new float[]{(Float) args[i]});
                case F64 -> Pointer.to(new double[]{(Double) args[i]});
            };
        }
        return params;
    }

    @Override
    public void update(int index, GraphNode node) {
        try {
            cuGraphExecKernelNodeSetParams(exec, handles[index], params(node));
        } catch (CudaException e) {
            throw new IllegalStateException("could not update graph node " + index + " (" + node.kernel().name()
                    + "): " + e.getMessage(), e);
        }
    }

    @Override
    public void launch() {
        try {
            cuGraphLaunch(exec, stream);
        } catch (CudaException e) {
            throw new IllegalStateException("a CUDA graph launch failed: " + e.getMessage()
                    + " (rerun with -Dtopiary.graphs=false -Dtopiary.cuda.syncEachLaunch=true to name the kernel)", e);
        }
    }

    @Override
    public void close() {
        cuGraphExecDestroy(exec);
        cuGraphDestroy(graph);
    }
}
