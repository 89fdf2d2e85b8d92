package dev.conduit.ipc.queue.internal;

import dev.conduit.ipc.queue.RecordsLostException;
import java.io.IOException;
import java.util.List;

/** The error of a reader whose next segment retention deleted. */
final class LostRecords {
    private LostRecords() {}

    /**
     * The reader needs segment {@code needed} from index {@code firstLost} on, and the segment is gone; it resumes at
     * the start of the oldest segment after it.
     */
    static RecordsLostException segmentGone(
            String queue, String reader, long needed, long firstLost, QueueDirectory dir) throws IOException {
        long resume = needed;
        List<Long> segments = dir.segments();
        for (long s : segments) {
            if (s > needed) {
                resume = s;
                break;
            }
        }
        long resumeAt = SegmentDescriptor.index(resume, 0);
        return new RecordsLostException(
                "reader " + reader + " of " + queue + " lost records from index " + firstLost + " to before index "
                        + resumeAt + ": segments " + needed + " to " + (resume - 1)
                        + " were deleted before it read them (retention over retainBytes, or by hand); it resumes at"
                        + " index " + resumeAt,
                firstLost,
                resumeAt);
    }
}
