/** TOTP passcodes as Keystone checks them (RFC 6238, 6 digits). */
export const PASSCODE_LENGTH = 6;

/**
 * Digits only, at most six: a pasted "123 456", "123-456" or " 123456\n" from an authenticator
 * app or a password manager becomes "123456".
 */
export function normalizePasscode(text: string): string {
  return text.replace(/\D/g, '').slice(0, PASSCODE_LENGTH);
}

export function isCompletePasscode(passcode: string): boolean {
  return passcode.length === PASSCODE_LENGTH;
}
