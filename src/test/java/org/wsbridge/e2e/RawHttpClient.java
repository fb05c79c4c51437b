package org.wsbridge.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x on a plain socket, for CGI tests: requests are sent byte for byte as written (bodies in pieces,
 * pipelined requests, odd paths), responses are read as framed on the wire: Content-Length, chunked (chunk by
 * chunk if need be) or up to the connection's end. Reads block, with a socket timeout.
 */
public final class RawHttpClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /**
     * A response as read.
     *
     * @param headers  lower-case names; repeated headers joined with ", "
     * @param complete the body ended as its framing says (false: the connection ended inside a chunked body)
     * @param chunked  the body came with chunked transfer coding
     */
    public record Reply(int status, Map<String, String> headers, String body, boolean complete, boolean chunked) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public RawHttpClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** The {@code NAME=value} lines of a reply's body (e.g. a script printing its environment). */
    public static Map<String, String> variables(Reply reply) {
        return Wsbridge.environment(List.of(reply.body().split("\n")));
    }

    /** One request with {@code Connection: close} and its reply. */
    public static Reply call(int port, String method, String target, String... headers) throws IOException {
        try (RawHttpClient client = new RawHttpClient(port)) {
            StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            return client.send(request.append("\r\n").toString()).read(method.equals("HEAD"));
        }
    }

    public RawHttpClient send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** Reads the next response; a HEAD response (or 1xx, 204, 304) has no body whatever its headers say. */
    public Reply read(boolean head) throws IOException {
        Reply reply = readHead();
        if (head || reply.status() < 200 || reply.status() == 204 || reply.status() == 304) {
            return reply;
        }
        if ("chunked".equalsIgnoreCase(reply.header("Transfer-Encoding"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean complete = false;
            try {
                String chunk;
                while ((chunk = readChunk()) != null) {
                    body.writeBytes(chunk.getBytes(StandardCharsets.ISO_8859_1));
                }
                complete = true;
            } catch (EOFException e) {
                // cut inside the body
            }
            return withBody(reply, body, complete, true);
        }
        String length = reply.header("Content-Length");
        if (length != null) {
            byte[] body = new byte[Integer.parseInt(length)];
            in.readFully(body);
            return withBody(reply, body, true);
        }
        return withBody(reply, in.readAllBytes(), true);
    }

    /** The status line and headers of the next response. */
    public Reply readHead() throws IOException {
        String status = readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        return new Reply(Integer.parseInt(status.split(" ")[1]), headers, "", true, false);
    }

    /** The data of the next chunk of a chunked body (as ISO-8859-1 text), or null at the last chunk. */
    public String readChunk() throws IOException {
        int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
        if (size == 0) {
            while (!readLine().isEmpty()) {
                // trailer fields
            }
            return null;
        }
        byte[] data = new byte[size];
        in.readFully(data);
        readLine();
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    /** True when the server closes the connection (EOF or reset) within the socket timeout. */
    public boolean awaitEof() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static Reply withBody(Reply head, byte[] body, boolean complete) {
        return new Reply(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8), complete, false);
    }

    private static Reply withBody(Reply head, ByteArrayOutputStream body, boolean complete, boolean chunked) {
        return new Reply(head.status(), head.headers(), body.toString(StandardCharsets.UTF_8), complete, chunked);
    }

    private String readLine() throws IOException {
        return readLine(in);
    }

    /** One line of an HTTP head, without its CR LF, as ISO-8859-1 text. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed inside a line");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
