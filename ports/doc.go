// Package ports declares the capabilities that the domain (core) needs from the outside world and
// that more than one bounded context shares: the unit of work that binds a transaction to a
// tenant, rate limits, token signing, password hashing, clock and identifiers, and the small
// vocabulary of error kinds every port and every use case reports in.
//
// Ports depend on the standard library only. Adapters under adapters/ implement them; the
// contract suites under test/contract prove that every adapter of a port behaves alike.
package ports
