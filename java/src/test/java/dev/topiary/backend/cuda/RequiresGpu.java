package dev.topiary.backend.cuda;

import dev.topiary.backend.GpuProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test class that needs a usable GPU: tagged {@code gpu}, and disabled elsewhere with the probe's reasons.
 * The skip message starts with {@code "GPU:"}, the one prefix {@code .ci/run} lets skip in CI.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(RequiresGpu.Condition.class)
public @interface RequiresGpu {

    /** Enabled when {@link GpuProbe} finds a GPU and the kernel image; otherwise disabled, saying why. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            GpuProbe.Result gpu = GpuProbe.probe();
            return gpu.available() ? ConditionEvaluationResult.enabled("GPU: " + gpu.device())
                    : ConditionEvaluationResult.disabled("GPU: no usable GPU here: "
                    + String.join("; ", gpu.reasons()));
        }
    }
}
