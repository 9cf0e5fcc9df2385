// Package account makes and checks the secrets and names of user accounts: the password
// policy for typed passwords, random temporary passwords, password hashes and their
// verification, and generated usernames.
//
// Two hash kinds are used on purpose (SPEC §5). Passwords people type are guessable, so
// they get argon2id with the OWASP parameters, which is slow by design. Temporary
// passwords are random secrets of more than 70 bits, where a slow hash buys nothing, so
// they get one salted SHA-256; that keeps an import of 100,000 new students fast.
package account
