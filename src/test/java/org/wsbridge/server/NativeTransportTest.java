package org.wsbridge.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** On Linux the whole process design rests on native epoll: a silent NIO fallback must fail the build. */
class NativeTransportTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void nativeEpollLoads() {
        assertTrue(Epoll.isAvailable(), () -> "native epoll did not load: " + Epoll.unavailabilityCause());
    }
}
