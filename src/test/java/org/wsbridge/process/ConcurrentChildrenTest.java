package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many children on one loop: each gets its own bytes back, none of another's. */
class ConcurrentChildrenTest extends ProcessTestBase {
    private static final int CHILDREN = 200;

    @Test
    void twoHundredCatsEchoWithoutCrossTalk() throws Exception {
        List<RecordingHandler> handlers = new ArrayList<>();
        List<ChildProcess> children = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            RecordingHandler handler = new RecordingHandler();
            handlers.add(handler);
            children.add(start(handler, "/bin/cat"));
            payloads.add(("cat " + i + " says hello\n").repeat(1000 + 20 * i));
        }
        onLoopRun(() -> {
            for (int i = 0; i < CHILDREN; i++) {
                ChildProcess child = children.get(i);
                child.writeStdin(text(payloads.get(i)));
                if (child.stdinPending() == 0) {
                    child.closeStdin();
                } else {
                    handlers.get(i).onDrained = child::closeStdin;
                }
            }
        });
        for (int i = 0; i < CHILDREN; i++) {
            assertEquals(payloads.get(i), handlers.get(i).awaitEof(TIMEOUT), "cat " + i);
            assertEquals("exit status 0", await(children.get(i).exit()).describe());
            await(children.get(i).gone());
        }
    }
}
