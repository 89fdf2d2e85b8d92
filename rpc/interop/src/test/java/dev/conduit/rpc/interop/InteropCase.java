package dev.conduit.rpc.interop;

import dev.conduit.rpc.interop.testing.ResponseParameters;
import dev.conduit.rpc.interop.testing.SimpleRequest;
import dev.conduit.rpc.interop.testing.StreamingOutputCallRequest;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The gRPC interop cases we run (grpc's {@code doc/interop-test-descriptions.md}), with their numbers. */
enum InteropCase {
    EMPTY_UNARY,
    LARGE_UNARY,
    CLIENT_STREAMING,
    SERVER_STREAMING,
    PING_PONG,
    EMPTY_STREAM,
    CUSTOM_METADATA,
    STATUS_CODE_AND_MESSAGE,
    SPECIAL_STATUS_MESSAGE,
    UNIMPLEMENTED_METHOD,
    UNIMPLEMENTED_SERVICE,
    CANCEL_AFTER_BEGIN,
    CANCEL_AFTER_FIRST_RESPONSE,
    TIMEOUT_ON_SLEEPING_SERVER,
    CLIENT_COMPRESSED_UNARY,
    SERVER_COMPRESSED_UNARY,
    CLIENT_COMPRESSED_STREAMING,
    SERVER_COMPRESSED_STREAMING;

    static final int LARGE_REQUEST = 271828;
    static final int LARGE_RESPONSE = 314159;
    static final int[] CLIENT_STREAM_SIZES = {27182, 8, 1828, 45904};
    static final int[] SERVER_STREAM_SIZES = {31415, 9, 2653, 58979};
    static final int[] COMPRESSED_STREAM_SIZES = {31415, 92653};
    static final String SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n";

    /** Every case, plaintext then TLS: the arguments of the pairings' parameterized tests. */
    static Stream<Arguments> withAndWithoutTls() {
        return Stream.of(false, true).flatMap(tls -> Arrays.stream(values()).map(c -> Arguments.of(c, tls)));
    }

    /** The name interop clients take on their command line: {@code empty_unary}. */
    String caseName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SimpleRequest.Builder largeRequest() {
        return SimpleRequest.newBuilder()
                .setResponseSize(LARGE_RESPONSE)
                .setPayload(ConduitTestService.zeros(LARGE_REQUEST));
    }

    static StreamingOutputCallRequest.Builder pingPongRequest(int i) {
        return StreamingOutputCallRequest.newBuilder()
                .addResponseParameters(ResponseParameters.newBuilder().setSize(SERVER_STREAM_SIZES[i]))
                .setPayload(ConduitTestService.zeros(CLIENT_STREAM_SIZES[i]));
    }
}
