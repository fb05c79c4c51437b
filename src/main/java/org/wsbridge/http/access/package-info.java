/**
 * Who may connect ({@code --auth-token}): the credential files, what a request presents, the per-address limit on
 * failed attempts, and the {@link org.wsbridge.http.access.AccessGate} that checks every request before it is
 * routed.
 */
package org.wsbridge.http.access;
