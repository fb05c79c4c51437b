package org.wsbridge.config;

/** One NAME=VALUE pair of a child's environment. */
public record EnvVar(String name, String value) {
    @Override
    public String toString() {
        return name + "=" + value;
    }
}
