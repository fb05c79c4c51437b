package org.wsbridge.server;

/** The TLS material given with {@code --sslcert}, {@code --sslkey} or {@code --sslca} cannot be used; the message names the file and says why. */
public final class TlsSetupException extends Exception {
    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    public TlsSetupException(String message) {
        super(message);
    }
}
