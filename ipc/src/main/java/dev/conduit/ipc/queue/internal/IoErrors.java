package dev.conduit.ipc.queue.internal;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/** One-line descriptions of file errors: the JDK's often name only the file, not what went wrong with it. */
final class IoErrors {
    private IoErrors() {}

    static String describe(Exception e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
