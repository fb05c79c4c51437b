package org.wsbridge.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Raw-socket HTTP for requests a real client would refuse to send (raw "..", NUL escapes, huge lines). */
public final class RawHttp {
    private RawHttp() {
    }

    /** Sends the bytes and returns everything the server writes until it closes the connection (5 s limit). */
    public static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readToEnd(socket.getInputStream());
        }
    }

    static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status code of a raw response. */
    public static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** A header's value in a raw response, or null. */
    public static String header(String response, String name) {
        for (String line : response.substring(0, headEnd(response)).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    /** The body of a raw response. */
    public static String body(String response) {
        return response.substring(headEnd(response) + 4);
    }

    private static int headEnd(String response) {
        int end = response.indexOf("\r\n\r\n");
        return end < 0 ? response.length() : end;
    }
}
