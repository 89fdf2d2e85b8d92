package dev.conduit.ipc.pipe.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a child's stderr line by line until the child closes it; runs on a thread of its own. */
final class StderrPump implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("dev.conduit.ipc.pipe.stderr");

    private final InputStream stderr;
    private final String who;

    StderrPump(InputStream stderr, String who) {
        this.stderr = stderr;
        this.who = who;
    }

    @Override
    public void run() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.info("[{}] {}", who, line);
            }
        } catch (IOException e) {
            log.debug("[{}] stderr ended: {}", who, e.toString());
        }
    }
}
