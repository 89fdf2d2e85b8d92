package dev.conduit.examples.cli;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.conduit.core.Codec;
import dev.conduit.rpc.BlockingStreamCall;
import dev.conduit.rpc.CallFactory;
import dev.conduit.rpc.CallOptions;
import dev.conduit.rpc.ClientCalls;
import dev.conduit.rpc.MethodDescriptor;
import dev.conduit.rpc.MethodType;
import dev.conduit.rpc.ResponseStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Calls a method known only by its descriptor (from reflection), with requests in JSON and responses printed as JSON,
 * one compact document per line. Unary and server-streaming methods take one request; client-streaming and
 * bidirectional ones take any number, sent while responses are printed as they come.
 */
final class DynamicCall {
    private final Descriptors.MethodDescriptor method;
    private final JsonFormat.Parser parser;
    private final JsonFormat.Printer printer;

    DynamicCall(Descriptors.MethodDescriptor method, JsonFormat.Parser parser, JsonFormat.Printer printer) {
        this.method = method;
        this.parser = parser;
        this.printer = printer;
    }

    /** The method's kind, from its descriptor. */
    MethodType type() {
        if (method.isClientStreaming()) {
            return method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
        }
        return method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
    }

    /**
     * Makes the call and prints each response to {@code out}.
     *
     * @param requests the requests in JSON, read lazily (a line of stdin may only arrive later)
     * @throws RpcExits.UsageException if a request is not valid JSON for the input type, or a method that takes one
     *     request is given another number
     * @throws dev.conduit.rpc.RpcException if the call ends with a status other than OK
     */
    void run(CallFactory channel, CallOptions options, Iterator<String> requests, PrintWriter out) {
        MethodDescriptor<DynamicMessage, DynamicMessage> descriptor = MethodDescriptor.of(
                method.getService().getFullName() + "/" + method.getName(),
                type(),
                codec(method.getInputType()),
                codec(method.getOutputType()));
        switch (type()) {
            case UNARY -> print(out, ClientCalls.blockingUnary(channel, descriptor, options, single(requests)));
            case SERVER_STREAMING -> {
                try (ResponseStream<DynamicMessage> responses =
                        ClientCalls.blockingServerStreaming(channel, descriptor, options, single(requests))) {
                    responses.forEachRemaining(r -> print(out, r));
                }
            }
            case CLIENT_STREAMING, BIDI_STREAMING -> stream(channel, descriptor, options, requests, out);
        }
    }

    private void stream(
            CallFactory channel,
            MethodDescriptor<DynamicMessage, DynamicMessage> descriptor,
            CallOptions options,
            Iterator<String> requests,
            PrintWriter out) {
        AtomicReference<RuntimeException> senderFailure = new AtomicReference<>();
        try (BlockingStreamCall<DynamicMessage, DynamicMessage> call =
                ClientCalls.blockingStream(channel, descriptor, options)) {
            // Requests go out from their own thread while this one prints responses: a bidirectional server may
            // answer each request before it reads the next.
            Thread sender = new Thread(
                    () -> {
                        try {
                            while (requests.hasNext()) {
                                call.send(parse(requests.next()));
                            }
                            call.halfClose();
                        } catch (RuntimeException e) {
                            senderFailure.set(e);
                            call.cancel("the client could not send its requests: " + e.getMessage());
                        }
                    },
                    "conduit-call-sender");
            sender.setDaemon(true);
            sender.start();
            try {
                for (DynamicMessage r = call.receive(); r != null; r = call.receive()) {
                    print(out, r);
                }
            } catch (RuntimeException e) {
                RuntimeException cause = senderFailure.get();
                throw cause instanceof RpcExits.UsageException ? cause : e;
            }
        }
    }

    private DynamicMessage single(Iterator<String> requests) {
        DynamicMessage request = requests.hasNext() ? parse(requests.next()) : parse("{}");
        if (requests.hasNext()) {
            throw new RpcExits.UsageException(method.getFullName() + " takes one request; give one JSON document");
        }
        return request;
    }

    private DynamicMessage parse(String json) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(method.getInputType());
        try {
            parser.merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new RpcExits.UsageException("request is not a "
                    + method.getInputType().getFullName() + " in JSON (" + e.getMessage() + "): " + json);
        }
        return builder.build();
    }

    private void print(PrintWriter out, DynamicMessage message) {
        try {
            out.println(printer.print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(
                    "cannot print a " + message.getDescriptorForType().getFullName() + " as JSON: " + e.getMessage());
        }
        out.flush();
    }

    private static Codec<DynamicMessage> codec(Descriptors.Descriptor type) {
        return Codec.of(DynamicMessage::toByteArray, bytes -> {
            try {
                return DynamicMessage.parseFrom(type, bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalArgumentException("not a " + type.getFullName() + ": " + e.getMessage(), e);
            }
        });
    }

    /** Requests as JSON lines from {@code in}, blank lines skipped, read only as the call needs them. */
    static Iterator<String> lines(BufferedReader in) {
        return new Iterator<>() {
            private @Nullable String next;

            @Override
            public boolean hasNext() {
                try {
                    while (next == null) {
                        String line = in.readLine();
                        if (line == null) {
                            return false;
                        }
                        if (!line.isBlank()) {
                            next = line;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read requests from stdin", e);
                }
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = null;
                return line;
            }
        };
    }
}
