package dev.conduit.core.internal;

/** A growable FIFO of ints without boxing. Not thread-safe. */
final class IntQueue {
    private int[] items = new int[16];
    private int head;
    private int size;

    void add(int value) {
        if (size == items.length) {
            int[] bigger = new int[items.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = items[(head + i) & (items.length - 1)];
            }
            items = bigger;
            head = 0;
        }
        items[(head + size++) & (items.length - 1)] = value;
    }

    int remove() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        int value = items[head];
        head = (head + 1) & (items.length - 1);
        size--;
        return value;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}
