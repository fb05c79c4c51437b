package org.wsbridge.metrics;

/**
 * Messages and bytes of one kind of session, each way: called for every message, so an implementation only adds
 * to counters it already holds (no allocation, no label lookup).
 */
public interface Traffic {
    /** Counts nothing. */
    Traffic NONE = new Traffic() {
        @Override
        public void received(boolean messageStart, int bytes) {
        }

        @Override
        public void sent(int bytes) {
        }
    };

    /** A data frame from the client: the first of a message when {@code messageStart}, with its payload size. */
    void received(boolean messageStart, int bytes);

    /** A message to the client, with its payload size. */
    void sent(int bytes);
}
