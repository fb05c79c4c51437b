package org.wsbridge.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.EnvVar;

/** wsbridge's own environment is read as bytes and the --passenv snapshot keeps them exact. */
class InvocationTest {
    @Test
    void environBytesAreKeptExactly() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("A=1\0".getBytes(ISO_8859_1));
        raw.writeBytes(new byte[] {'B', '=', (byte) 0xff, (byte) 0xc3, (byte) 0xa9, 0});
        raw.writeBytes("A=second\0EQ=x=y\0NOEQUALS\0=novalue\0EMPTY=\0".getBytes(ISO_8859_1));
        Map<String, String> env = Invocation.parseEnviron(raw.toByteArray());
        assertEquals(Map.of("A", "1", "B", "\u00ff\u00c3\u00a9", "EQ", "x=y", "EMPTY", ""), env);

        Invocation invocation = new Invocation("wsbridge", env, Path.of("/"));
        EnvVar b = invocation.passEnv("B").get(0);
        assertArrayEquals(new byte[] {'B', '=', (byte) 0xff, (byte) 0xc3, (byte) 0xa9}, b.bytes());
    }

    @Test
    void theRealEnvironmentIsRead() {
        Invocation current = Invocation.current(null);
        assertEquals("wsbridge", current.binary());
        assertEquals(Path.of("").toAbsolutePath(), current.workingDirectory());
        assertEquals(System.getenv("PATH"), current.path());
        assertEquals("ws", Invocation.current("/usr/local/bin/ws").binary());
    }

    @Test
    void pathIsDecodedAsUtf8ForFileNames() {
        Invocation invocation = new Invocation("w", Map.of("PATH", EnvVar.byteString("/opt/café/bin")), Path.of("/"));
        assertEquals("/opt/café/bin", invocation.path());
        assertFalse(invocation.environment().isEmpty());
    }

    @Test
    void workingDirectoryMustBeAbsolute() {
        assertThrows(IllegalArgumentException.class, () -> new Invocation("w", Map.of(), Path.of("rel")));
    }
}
