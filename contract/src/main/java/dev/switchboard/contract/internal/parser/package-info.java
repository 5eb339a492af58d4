/**
 * A pure-JVM {@code .proto} compiler whose output matches protoc's {@code --descriptor_set_out}.
 *
 * <p>Tour: {@link dev.switchboard.contract.internal.parser.ProtoCompiler} is the entry point. It
 * finds files on the import paths (or the well-known types bundled in protobuf-java), feeds each
 * through the {@code Tokenizer} and {@code ProtoParser} (syntax only, like protoc's parser.cc), and
 * hands the result to the {@code Linker} (names, types, validation) and the {@code
 * OptionInterpreter} (options, encoded the way protoc encodes them). Every stage adds to one {@code
 * Problems} list; the compiler throws once with all of them.
 */
@NullMarked
package dev.switchboard.contract.internal.parser;

import org.jspecify.annotations.NullMarked;
