package org.wsbridge.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** UNIQUE_ID: 128 random bits in hex, distinct across the threads (event loops) that draw them. */
class UniqueIdTest {

    @Test
    void idsAreDistinctAcrossThreadsAndHex() throws Exception {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5000; i++) {
                    ids.add(CgiRequests.newUniqueId());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(20000, ids.size(), "an ID came twice");
        assertTrue(ids.stream().allMatch(id -> id.matches("[0-9a-f]{32}")));
    }
}
