/**
 * Test support shared by the modules' tests, so that no module keeps its own copy of a harness.
 * Only test scopes depend on this module.
 */
@NullMarked
package dev.switchboard.testing;

import org.jspecify.annotations.NullMarked;
