/**
 * WIT for contracts.
 *
 * <p>A translator ({@link dev.switchboard.wit.ProtoTranslator}, {@link
 * dev.switchboard.wit.OpenApiTranslator}) turns a contract into a {@link
 * dev.switchboard.wit.Binding}: one immutable model that names every WIT package, interface, type,
 * field, case and function and records what each one maps to in the contract (message and field
 * number, or HTTP path, method, parameter location, media type, status and header), the contract's
 * validation rules and the special roles (auth, ETag, If-Match, Last-Modified, Retry-After). The
 * WIT text is only ever printed from the Binding ({@link dev.switchboard.wit.WitPrinter}), and the
 * Binding round-trips through JSON ({@link dev.switchboard.wit.BindingJson}) so that dynamic stubs
 * can make real calls from it alone.
 */
@NullMarked
package dev.switchboard.wit;

import org.jspecify.annotations.NullMarked;
