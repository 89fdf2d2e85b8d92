package dev.conduit.ipc.shm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.core.Endpoint;
import dev.conduit.core.testkit.ChannelConformanceSuite;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

/** shm passes the conformance suite with the agent in this JVM. */
class ShmConformanceTest extends ChannelConformanceSuite {
    final ShmTestDirectory dir = new ShmTestDirectory();

    @Override
    protected String listenUri() {
        return "shm://*?" + dir.dirOption();
    }

    @Override
    protected String unboundUri() {
        return "shm://nobody-listens-" + System.nanoTime() + "?" + dir.dirOption();
    }

    @Override
    protected void assertListenerCleanedUp(Endpoint endpoint) {
        assertThat(Files.exists(dir.path().resolve("conduit-shm-" + endpoint.address() + ".sock")))
                .as("control socket of %s left behind", endpoint)
                .isFalse();
    }

    @AfterEach
    void noSegmentFileOutlivesItsHandshake() {
        assertThat(dir.files("*.seg")).as("segment files").isEmpty();
    }

    @AfterAll
    void removeDirectory() throws Exception {
        dir.close();
    }
}
