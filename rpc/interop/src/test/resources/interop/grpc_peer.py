"""gRPC interop peer on Python grpcio, for Conduit's interop tests.

Written from grpc's doc/interop-test-descriptions.md. Stubs come from the same .proto files as the Java side,
generated at test time with grpcio-tools into GEN_DIR (first argument).

  grpc_peer.py GEN_DIR server --port 0 [--cert PEM --key PEM]
      serves grpc.testing.TestService; prints "listening PORT", then serves until stdin closes.
  grpc_peer.py GEN_DIR client --port PORT --cases a,b,c [--ca PEM --authority NAME]
      runs each case and prints "PASS case" or "FAIL case: why", one line per case.
"""

import argparse
import gzip
import os
import queue
import sys
import time
import traceback
from concurrent import futures

import grpc

GEN_DIR = sys.argv[1]
# The generated modules live in grpc/testing (their proto package); let them sit beside grpcio's own package.
grpc.__path__.append(os.path.join(GEN_DIR, "grpc"))
from grpc.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"
LARGE_REQUEST = 271828
LARGE_RESPONSE = 314159
CLIENT_SIZES = (27182, 8, 1828, 45904)
SERVER_SIZES = (31415, 9, 2653, 58979)
SPECIAL = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
TIMEOUT = 30


def zeros(n):
    return messages_pb2.Payload(body=b"\x00" * n)


# ---------------------------------------------------------------- server


def _echo_metadata(context):
    md = dict(context.invocation_metadata())
    if ECHO_INITIAL in md:
        context.send_initial_metadata(((ECHO_INITIAL, md[ECHO_INITIAL]),))
    if ECHO_TRAILING in md:
        context.set_trailing_metadata(((ECHO_TRAILING, md[ECHO_TRAILING]),))


def _echo_status(request, context):
    if request.HasField("response_status") and request.response_status.code != 0:
        context.abort(_code(request.response_status.code), request.response_status.message)


def _code(value):
    for c in grpc.StatusCode:
        if c.value[0] == value:
            return c
    return grpc.StatusCode.UNKNOWN


def _reader(message_type):
    """A deserializer that also says whether the message came compressed.

    grpcio shows a handler neither message flags nor grpc-encoding, so the server runs with
    grpc.per_message_decompression off and decompresses here: a gzip member starts with 1f 8b, which no protobuf
    message can (0x1f would be field 3 with wire type 7, which does not exist).
    """

    def read(data):
        compressed = data[:2] == b"\x1f\x8b"
        return message_type.FromString(gzip.decompress(data) if compressed else data), compressed

    return read


def _check_compression(request, compressed, context):
    if request.HasField("expect_compressed") and request.expect_compressed.value != compressed:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "compression not as expected")


def unary_call(item, context):
    request, compressed = item
    _echo_metadata(context)
    _check_compression(request, compressed, context)
    if request.HasField("response_compressed"):
        context.set_compression(
            grpc.Compression.Gzip if request.response_compressed.value else grpc.Compression.NoCompression)
    _echo_status(request, context)
    return messages_pb2.SimpleResponse(payload=zeros(request.response_size))


def streaming_output_call(item, context):
    request, _ = item
    _echo_status(request, context)
    yield from _respond(request, context)


def streaming_input_call(items, context):
    total = 0
    for request, compressed in items:
        _check_compression(request, compressed, context)
        total += len(request.payload.body)
    return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)


def full_duplex_call(items, context):
    _echo_metadata(context)
    for request, _ in items:
        _echo_status(request, context)
        yield from _respond(request, context)


def _handlers():
    out = messages_pb2.StreamingOutputCallResponse.SerializeToString
    return grpc.method_handlers_generic_handler("grpc.testing.TestService", {
        "EmptyCall": grpc.unary_unary_rpc_method_handler(
            lambda item, ctx: empty_pb2.Empty(), request_deserializer=_reader(empty_pb2.Empty),
            response_serializer=empty_pb2.Empty.SerializeToString),
        "UnaryCall": grpc.unary_unary_rpc_method_handler(
            unary_call, request_deserializer=_reader(messages_pb2.SimpleRequest),
            response_serializer=messages_pb2.SimpleResponse.SerializeToString),
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
            streaming_output_call, request_deserializer=_reader(messages_pb2.StreamingOutputCallRequest),
            response_serializer=out),
        "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
            streaming_input_call, request_deserializer=_reader(messages_pb2.StreamingInputCallRequest),
            response_serializer=messages_pb2.StreamingInputCallResponse.SerializeToString),
        "FullDuplexCall": grpc.stream_stream_rpc_method_handler(
            full_duplex_call, request_deserializer=_reader(messages_pb2.StreamingOutputCallRequest),
            response_serializer=out),
    })


def _respond(request, context):
    if any(p.compressed.value for p in request.response_parameters):
        context.set_compression(grpc.Compression.Gzip)
    for p in request.response_parameters:
        if p.interval_us:
            time.sleep(p.interval_us / 1e6)
        if not p.compressed.value:
            context.disable_next_message_compression()
        yield messages_pb2.StreamingOutputCallResponse(payload=zeros(p.size))


def serve(args):
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        handlers=[_handlers()],
        options=[("grpc.per_message_decompression", 0)])
    if args.cert:
        with open(args.cert, "rb") as c, open(args.key, "rb") as k:
            creds = grpc.ssl_server_credentials(((k.read(), c.read()),))
        port = server.add_secure_port("127.0.0.1:%d" % args.port, creds)
    else:
        port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    print("listening %d" % port, flush=True)
    sys.stdin.read()  # the test closes stdin to stop us
    server.stop(grace=1).wait()


# ---------------------------------------------------------------- client


class Pipe:
    """Requests handed to a streaming call one at a time."""

    def __init__(self):
        self._q = queue.Queue()

    def __iter__(self):
        return self

    def __next__(self):
        item = self._q.get()
        if item is None:
            raise StopIteration
        return item

    def add(self, item):
        self._q.put(item)

    def close(self):
        self._q.put(None)


def expect_code(fn, code):
    try:
        fn()
    except grpc.RpcError as e:
        if e.code() != code:
            raise AssertionError("expected %s, got %s: %s" % (code, e.code(), e.details()))
        return e
    raise AssertionError("expected %s, the call succeeded" % code)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def large_request(**kw):
    return messages_pb2.SimpleRequest(response_size=LARGE_RESPONSE, payload=zeros(LARGE_REQUEST), **kw)


def run_case(name, stub, unimplemented):
    if name == "empty_unary":
        check(isinstance(stub.EmptyCall(empty_pb2.Empty(), timeout=TIMEOUT), empty_pb2.Empty), "empty response")
    elif name == "large_unary":
        check(len(stub.UnaryCall(large_request(), timeout=TIMEOUT).payload.body) == LARGE_RESPONSE, "size")
    elif name == "client_streaming":
        reqs = (messages_pb2.StreamingInputCallRequest(payload=zeros(s)) for s in CLIENT_SIZES)
        check(stub.StreamingInputCall(reqs, timeout=TIMEOUT).aggregated_payload_size == 74922, "aggregate")
    elif name in ("server_streaming", "server_compressed_streaming"):
        compressed = name == "server_compressed_streaming"
        sizes = (31415, 92653) if compressed else SERVER_SIZES
        params = [messages_pb2.ResponseParameters(size=s) for s in sizes]
        if compressed:
            params[0].compressed.value = True
            params[1].compressed.value = False
        got = [len(r.payload.body) for r in stub.StreamingOutputCall(
            messages_pb2.StreamingOutputCallRequest(response_parameters=params), timeout=TIMEOUT)]
        check(got == list(sizes), "sizes %s" % got)
    elif name == "ping_pong":
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
        for rs, ps in zip(SERVER_SIZES, CLIENT_SIZES):
            pipe.add(messages_pb2.StreamingOutputCallRequest(
                response_parameters=[messages_pb2.ResponseParameters(size=rs)], payload=zeros(ps)))
            check(len(next(responses).payload.body) == rs, "response size")
        pipe.close()
        check(next(responses, None) is None, "no more responses")
    elif name == "empty_stream":
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
        pipe.close()
        check(next(responses, None) is None, "no responses")
    elif name == "custom_metadata":
        md = ((ECHO_INITIAL, "test_initial_metadata_value"), (ECHO_TRAILING, b"\xab\xab\xab"))
        _, call = stub.UnaryCall.with_call(large_request(), metadata=md, timeout=TIMEOUT)
        check_metadata(call)
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, metadata=md, timeout=TIMEOUT)
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=LARGE_RESPONSE)], payload=zeros(LARGE_REQUEST)))
        pipe.close()
        check(len(list(responses)) == 1, "one response")
        check_metadata(responses)
    elif name in ("status_code_and_message", "special_status_message"):
        message = SPECIAL if name == "special_status_message" else "test status message"
        echo = messages_pb2.EchoStatus(code=2, message=message)
        e = expect_code(lambda: stub.UnaryCall(messages_pb2.SimpleRequest(response_status=echo), timeout=TIMEOUT),
                        grpc.StatusCode.UNKNOWN)
        check(e.details() == message, "details %r" % e.details())
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
        pipe.add(messages_pb2.StreamingOutputCallRequest(response_status=echo))
        pipe.close()
        e = expect_code(lambda: list(responses), grpc.StatusCode.UNKNOWN)
        check(e.details() == message, "details %r" % e.details())
    elif name == "unimplemented_method":
        expect_code(lambda: stub.UnimplementedCall(empty_pb2.Empty(), timeout=TIMEOUT), grpc.StatusCode.UNIMPLEMENTED)
    elif name == "unimplemented_service":
        expect_code(lambda: unimplemented.UnimplementedCall(empty_pb2.Empty(), timeout=TIMEOUT),
                    grpc.StatusCode.UNIMPLEMENTED)
    elif name == "cancel_after_begin":
        pipe = Pipe()
        future = stub.StreamingInputCall.future(pipe, timeout=TIMEOUT)
        future.cancel()
        check(future.cancelled() and future.code() == grpc.StatusCode.CANCELLED, "cancelled")
        pipe.close()
    elif name == "cancel_after_first_response":
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, timeout=TIMEOUT)
        pipe.add(messages_pb2.StreamingOutputCallRequest(
            response_parameters=[messages_pb2.ResponseParameters(size=31415)], payload=zeros(27182)))
        next(responses)
        responses.cancel()
        expect_code(lambda: next(responses), grpc.StatusCode.CANCELLED)
        pipe.close()
    elif name == "timeout_on_sleeping_server":
        pipe = Pipe()
        responses = stub.FullDuplexCall(pipe, timeout=0.001)
        pipe.add(messages_pb2.StreamingOutputCallRequest(payload=zeros(27182)))
        expect_code(lambda: next(responses), grpc.StatusCode.DEADLINE_EXCEEDED)
        pipe.close()
    elif name == "client_compressed_unary":
        expect = messages_pb2.BoolValue(value=True)
        expect_code(lambda: stub.UnaryCall(large_request(expect_compressed=expect), timeout=TIMEOUT),
                    grpc.StatusCode.INVALID_ARGUMENT)
        r = stub.UnaryCall(large_request(expect_compressed=expect), compression=grpc.Compression.Gzip, timeout=TIMEOUT)
        check(len(r.payload.body) == LARGE_RESPONSE, "size")
        r = stub.UnaryCall(large_request(expect_compressed=messages_pb2.BoolValue(value=False)), timeout=TIMEOUT)
        check(len(r.payload.body) == LARGE_RESPONSE, "size")
    elif name == "server_compressed_unary":
        for compressed in (True, False):
            r = stub.UnaryCall(large_request(response_compressed=messages_pb2.BoolValue(value=compressed)),
                               timeout=TIMEOUT)
            check(len(r.payload.body) == LARGE_RESPONSE, "size")
    elif name == "client_compressed_streaming":
        probe = messages_pb2.StreamingInputCallRequest(
            expect_compressed=messages_pb2.BoolValue(value=True), payload=zeros(27182))
        expect_code(lambda: stub.StreamingInputCall(iter([probe]), timeout=TIMEOUT), grpc.StatusCode.INVALID_ARGUMENT)
        # grpcio has no per-message switch on the client: the compressed and the plain message go in two calls.
        r = stub.StreamingInputCall(iter([probe]), compression=grpc.Compression.Gzip, timeout=TIMEOUT)
        check(r.aggregated_payload_size == 27182, "compressed aggregate")
        plain = messages_pb2.StreamingInputCallRequest(
            expect_compressed=messages_pb2.BoolValue(value=False), payload=zeros(45904))
        r = stub.StreamingInputCall(iter([plain]), timeout=TIMEOUT)
        check(r.aggregated_payload_size == 45904, "plain aggregate")
    else:
        raise AssertionError("unknown case " + name)


def check_metadata(call):
    initial = dict(call.initial_metadata())
    trailing = dict(call.trailing_metadata())
    check(initial.get(ECHO_INITIAL) == "test_initial_metadata_value", "initial metadata %r" % initial)
    check(trailing.get(ECHO_TRAILING) == b"\xab\xab\xab", "trailing metadata %r" % trailing)


def client(args):
    target = "127.0.0.1:%d" % args.port
    if args.ca:
        with open(args.ca, "rb") as f:
            creds = grpc.ssl_channel_credentials(root_certificates=f.read())
        channel = grpc.secure_channel(target, creds, options=(("grpc.ssl_target_name_override", args.authority),))
    else:
        channel = grpc.insecure_channel(target)
    stub = test_pb2_grpc.TestServiceStub(channel)
    unimplemented = test_pb2_grpc.UnimplementedServiceStub(channel)
    for name in args.cases.split(","):
        try:
            run_case(name, stub, unimplemented)
            print("PASS " + name, flush=True)
        except Exception as e:  # report and go on with the next case
            print("FAIL %s: %s" % (name, repr(e).replace("\n", " ")), flush=True)
            traceback.print_exc()
    channel.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("gen_dir")
    p.add_argument("role", choices=("server", "client"))
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ca")
    p.add_argument("--authority", default="localhost")
    p.add_argument("--cases", default="")
    args = p.parse_args()
    serve(args) if args.role == "server" else client(args)


if __name__ == "__main__":
    main()
