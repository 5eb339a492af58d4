/**
 * The machinery behind the wit API: name conversion and scopes, the two translators, the recursion
 * breaker, the shared Switchboard package and the printer. Nothing here is used by other modules.
 */
@NullMarked
package dev.switchboard.wit.internal;

import org.jspecify.annotations.NullMarked;
