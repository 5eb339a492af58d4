/** How long WIT translation takes next to swagger-parser's own parse of the same document. */
@NullMarked
package dev.switchboard.benchmarks.wit;

import org.jspecify.annotations.NullMarked;
