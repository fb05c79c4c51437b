package org.wsbridge.config;

import java.util.List;

/**
 * Extra response headers, already split into canonical name and value and checked for CR/LF.
 *
 * @param all  {@code --header}: the 101 and every non-upgrade response
 * @param ws   {@code --header-ws}: the 101 only
 * @param http {@code --header-http}: non-upgrade responses only
 */
public record HeaderRules(List<Header> all, List<Header> ws, List<Header> http) {
    public HeaderRules {
        all = List.copyOf(all);
        ws = List.copyOf(ws);
        http = List.copyOf(http);
    }

    public static HeaderRules none() {
        return new HeaderRules(List.of(), List.of(), List.of());
    }

    /** One response header. */
    public record Header(String name, String value) {
    }
}
