package org.wsbridge.request;

import io.netty.handler.codec.compression.DecompressionException;

/**
 * {@code --compress} with {@code --maxframesize}: recognises Netty's permessage-deflate inflater stopping at the
 * limit, which program sessions and relays both answer with close 1009, as an oversize message.
 */
public final class InflateLimit {
    private InflateLimit() {
    }

    /** Whether {@code cause}, wrapped or not, is the inflater refusing to grow a message past the limit. */
    public static boolean reached(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DecompressionException && String.valueOf(t.getMessage()).contains("maximum size")) {
                return true;
            }
        }
        return false;
    }
}
