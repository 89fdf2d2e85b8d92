package dev.conduit.rpc.compiler;

import java.util.List;

/**
 * What the writer needs to know of one service, with Java names already resolved and disambiguated. {@code fileClass}
 * is protoc's class for the file (which holds its descriptor), or empty when the messages are generated for the lite
 * runtime, which has no descriptors.
 */
record ServiceModel(
        String protoFile,
        String javaPackage,
        String className,
        String simpleName,
        String protoName,
        String fileClass,
        List<String> doc,
        boolean deprecated,
        List<Method> methods) {

    /** The four call kinds, named as the runtime's {@code MethodType} constants. */
    enum Kind {
        UNARY,
        SERVER_STREAMING,
        CLIENT_STREAMING,
        BIDI_STREAMING;

        static Kind of(boolean clientStreaming, boolean serverStreaming) {
            if (clientStreaming) {
                return serverStreaming ? BIDI_STREAMING : CLIENT_STREAMING;
            }
            return serverStreaming ? SERVER_STREAMING : UNARY;
        }

        boolean clientStreams() {
            return this == CLIENT_STREAMING || this == BIDI_STREAMING;
        }
    }

    /** One method: its proto name, Java method and constant names, kind, message classes and comment. */
    record Method(
            String protoName,
            String javaName,
            String constantName,
            Kind kind,
            String requestType,
            String responseType,
            List<String> doc,
            boolean deprecated) {}
}
