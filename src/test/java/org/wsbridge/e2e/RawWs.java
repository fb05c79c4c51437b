package org.wsbridge.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for what real clients never do: odd handshakes, raw frames, ignoring
 * pings, dropping TCP. Reads and writes block, with a socket timeout.
 */
public final class RawWs implements AutoCloseable {
    public static final int OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** A frame as received. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /**
     * The status line and headers of an HTTP response, plus its body if it had a Content-Length; {@code names} are
     * the header names as written on the wire, in order.
     */
    public record Response(int status, Map<String, String> headers, String body, List<String> names) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public RawWs(int port) throws IOException {
        this(port, 0);
    }

    /** @param receiveBuffer SO_RCVBUF set before connecting (a client that reads slowly); 0: the system's */
    public RawWs(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A standard upgrade request for {@code path}, with extra header lines. */
    public static String upgradeRequest(String path, String... extraHeaders) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n");
        for (String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    public RawWs write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Sends a request and reads the response head (and a Content-Length body). */
    public Response request(String raw) throws IOException {
        write(raw);
        return readResponse();
    }

    public Response readResponse() throws IOException {
        String status = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            names.add(line.substring(0, colon));
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null) {
            byte[] b = new byte[Integer.parseInt(length)];
            in.readFully(b);
            body = new String(b, StandardCharsets.UTF_8);
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), headers, body, names);
    }

    private String readLine() throws IOException {
        return RawHttpClient.readLine(in);
    }

    /** Sends one masked frame. */
    public RawWs frame(boolean fin, int opcode, byte[] payload) throws IOException {
        out.write(maskedFrame(fin, opcode, payload));
        out.flush();
        return this;
    }

    /**
     * Sends a request and, in the same write (so the server reads both at once), text frames: what a client
     * does that does not wait for the 101.
     */
    public RawWs requestWithTexts(String request, String... texts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(request.getBytes(StandardCharsets.ISO_8859_1));
        for (String text : texts) {
            all.write(maskedFrame(true, OP_TEXT, text.getBytes(StandardCharsets.UTF_8)));
        }
        out.write(all.toByteArray());
        out.flush();
        return this;
    }

    private static byte[] maskedFrame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) n >> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    public RawWs text(String s) throws IOException {
        return frame(true, OP_TEXT, s.getBytes(StandardCharsets.UTF_8));
    }

    public RawWs close(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return frame(true, OP_CLOSE, p);
    }

    /** Reads the next frame from the server (which must not mask it). */
    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frames must not be masked");
        }
        byte[] payload = new byte[(int) n];
        in.readFully(payload);
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** Reads text frames up to the next frame of another kind (which is dropped) and returns their texts. */
    public List<String> readTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        Frame f;
        while ((f = readFrame()).opcode() == OP_TEXT) {
            texts.add(f.text());
        }
        return texts;
    }

    /** True when the server has closed the TCP connection (EOF) within the socket timeout. */
    public boolean awaitEof() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
