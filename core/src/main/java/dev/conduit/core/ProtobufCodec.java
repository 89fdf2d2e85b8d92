package dev.conduit.core;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** The protobuf codec behind {@link Codecs#protobuf}; kept apart so that core loads without protobuf-java. */
final class ProtobufCodec<M extends MessageLite> implements Codec<M> {
    private final Parser<M> parser;
    private final String typeName;

    @SuppressWarnings("unchecked")
    ProtobufCodec(M prototype) {
        this.parser = (Parser<M>) prototype.getParserForType();
        this.typeName = prototype.getClass().getName();
    }

    @Override
    public void encode(M message, WriteBuffer out) {
        int size = message.getSerializedSize();
        CodedOutputStream cos = CodedOutputStream.newInstance(out.reserve(size));
        try {
            message.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public M decode(ByteBuffer in) {
        try {
            return parser.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("not a valid " + typeName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public M decodeOwned(byte[] bytes) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("not a valid " + typeName + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int sizeHint(M message) {
        return message.getSerializedSize();
    }

    @Override
    public String toString() {
        return "protobuf(" + typeName + ")";
    }
}
