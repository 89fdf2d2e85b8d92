package dev.conduit.rpc.compiler;

/**
 * A problem the generator reports to protoc, which prints it and fails: the message names the file and the element,
 * for example {@code kv.proto: service Kv, method Get: ...}.
 */
final class GeneratorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GeneratorException(String message) {
        super(message);
    }
}
