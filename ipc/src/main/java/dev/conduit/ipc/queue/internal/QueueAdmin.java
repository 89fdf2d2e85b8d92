package dev.conduit.ipc.queue.internal;

import dev.conduit.core.ConduitException;
import dev.conduit.ipc.queue.Queues;
import dev.conduit.ipc.queue.internal.ReaderPosition.Position;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What {@link Queues} does, over the internals. Not an API. */
public final class QueueAdmin {
    private QueueAdmin() {}

    /** See {@link Queues#info}. */
    public static Queues.Info info(Path directory) {
        try {
            QueueDirectory dir = QueueDirectory.open(directory, false);
            List<Long> numbers = dir.segments();
            if (numbers.isEmpty()) {
                throw new IOException("it holds no segment: nothing was ever appended to it");
            }
            List<Queues.Segment> segments = new ArrayList<>();
            long bytes = 0;
            long messages = 0;
            for (long n : numbers) {
                SegmentFile s;
                try {
                    s = dir.open(n, false);
                } catch (NoSuchFileException e) {
                    continue; // retention deleted it since the listing: it is not part of the queue any more
                }
                try {
                    long count = SegmentScan.end(s).sequence();
                    long size = Files.size(s.path());
                    segments.add(new Queues.Segment(n, size, count, Instant.ofEpochMilli(s.created())));
                    bytes += size;
                    messages += count;
                } finally {
                    s.unmap();
                }
            }
            if (segments.isEmpty()) {
                throw new IOException("its segments were all deleted while they were being read");
            }
            numbers = segments.stream().map(Queues.Segment::number).toList();
            Position end = Positions.end(dir, numbers);
            List<Queues.Reader> readers = new ArrayList<>();
            for (String name : dir.readers()) {
                readers.add(reader(dir, name, end));
            }
            long last = -1;
            for (Queues.Segment s : segments) {
                if (s.messages() > 0) {
                    last = SegmentDescriptor.index(s.number(), s.messages() - 1);
                }
            }
            return new Queues.Info(
                    dir.path(),
                    List.copyOf(segments),
                    bytes,
                    SegmentDescriptor.index(numbers.get(0), 0),
                    last,
                    end.index(),
                    messages,
                    List.copyOf(readers));
        } catch (IOException e) {
            throw fail(directory, e);
        }
    }

    /** See {@link Queues#moveReader(Path, String, long)}. */
    public static void moveToIndex(Path directory, String reader, long index) {
        move(directory, reader, dir -> Positions.atIndex(dir, index));
    }

    /** See {@link Queues#moveReader(Path, String, Instant)}. */
    public static void moveToTime(Path directory, String reader, Instant time) {
        move(directory, reader, dir -> Positions.atTime(dir, time.toEpochMilli()));
    }

    private interface Finder {
        Position find(QueueDirectory dir) throws IOException;
    }

    private static void move(Path directory, String reader, Finder finder) {
        if (!ReaderPosition.NAME.matcher(reader).matches()) {
            throw new ConduitException(
                    "reader name '" + reader + "' is not valid: expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        try {
            QueueDirectory dir = QueueDirectory.open(directory, false);
            ReaderPosition position = ReaderPosition.open(dir, reader, true);
            try {
                position.acquire();
                Position p = finder.find(dir);
                position.store(p.segment(), p.offset(), p.sequence());
            } finally {
                position.close();
            }
        } catch (IOException e) {
            throw fail(directory, e);
        }
    }

    private static Queues.Reader reader(QueueDirectory dir, String name, Position end) throws IOException {
        ReaderPosition position = ReaderPosition.open(dir, name, false);
        try {
            Position p = position.read();
            long lag = p == null ? -1 : Positions.between(dir, p, end);
            return new Queues.Reader(name, p == null ? -1 : p.index(), lag, position.owner());
        } finally {
            position.close();
        }
    }

    private static ConduitException fail(Path directory, IOException e) {
        return new ConduitException(
                "queue://" + directory.toAbsolutePath().normalize() + ": " + IoErrors.describe(e), e);
    }
}
