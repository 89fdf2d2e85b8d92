package dev.conduit.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A leak in a child JVM reaches the parent, so that {@link LeakCheckExtension} can fail the test that made it. */
class ChildLeaksTest {

    @Test
    void aBufferLeakedInAChildJvmIsReportedToTheParent() throws Exception {
        ChildLeaks.drain();
        runChild("leak");
        List<String> leaks = ChildLeaks.drain();
        assertThat(leaks)
                .as("what the child reported")
                .anySatisfy(leak -> assertThat(leak)
                        .contains("LeakingChild")
                        .contains("LEAK")
                        .contains("ByteBuf"));
    }

    @Test
    void aChildThatReleasesItsBuffersReportsNothing() throws Exception {
        ChildLeaks.drain();
        runChild("release");
        assertThat(ChildLeaks.drain()).isEmpty();
    }

    @Test
    void childrenGetThisJvmsParanoidLeakDetection() {
        assertThat(JavaCommand.of(List.of(), LeakingChild.class))
                .contains("-Dio.netty.leakDetection.level=paranoid")
                .contains("-Dio.netty.customResourceLeakDetector=" + FailingLeakDetector.class.getName())
                .anySatisfy(arg -> assertThat(arg).startsWith("-D" + ChildLeaks.DIR_PROPERTY + "="));
    }

    private static void runChild(String mode) throws Exception {
        Process child = new ProcessBuilder(JavaCommand.of(List.of("-Xmx64m"), LeakingChild.class, mode))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        child.getOutputStream().close();
        assertThat(new String(child.getInputStream().readAllBytes())).startsWith("done");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
        assertThat(child.exitValue()).isZero();
    }
}
