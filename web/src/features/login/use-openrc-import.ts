import { useState, type ClipboardEvent, type DragEvent } from 'react';
import type { CloudSummary } from '@contract/clouds';
import { useI18n } from '../../lib/i18n/i18n-context';
import type { LoginFormValues } from './build-login-request';
import { looksLikeOpenrc } from './looks-like-openrc';

/**
 * The openrc reader and its mapping onto the form load on first use: pasting or dropping an openrc
 * is rare next to typing a password, and they weigh on the first load (issue 16 item 5).
 */
const loadOpenrcReader = () => Promise.all([import('./openrc-parser'), import('./map-openrc-to-form')]);

// Bounded: an openrc is a few hundred bytes; never read something huge into memory.
const maxOpenrcBytes = 64 * 1024;

/** FileReader rather than Blob.text(): same result, and it also works in older engines and jsdom. */
function readFileAsText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsText(file);
  });
}

/**
 * An openrc pasted into the form, dropped on it or chosen as a file fills the form, in the
 * browser only (the file is never sent). Returns the form's handlers, the file input's, and the
 * sentence that says what was read.
 */
export function useOpenrcImport({
  values,
  clouds,
  setValues,
}: {
  values: LoginFormValues;
  clouds: readonly CloudSummary[];
  setValues: (update: (current: LoginFormValues) => LoginFormValues) => void;
}) {
  const { t } = useI18n();
  const [notice, setNotice] = useState<string | null>(null);

  const applyText = async (text: string) => {
    const [{ parseOpenrc }, { mapOpenrcToForm }] = await loadOpenrcReader();
    const openrc = parseOpenrc(text);
    const mapping = mapOpenrcToForm(openrc, values, clouds);
    if (!mapping.values) {
      setNotice(t('login.openrc.nothing'));
      return;
    }
    // Applied to the form as it is by then (a file is read asynchronously).
    setValues((current) => mapOpenrcToForm(openrc, current, clouds).values ?? current);
    const readKey =
      mapping.kind === 'application_credential' ? 'login.openrc.filledAppCredential' : 'login.openrc.filled';
    const read = t(readKey, { count: mapping.filledCount });
    setNotice(
      mapping.unknownUrl ? `${read} ${t('login.openrc.unknownCloud', { url: mapping.unknownUrl })}` : read,
    );
  };

  const readFile = async (file: File | undefined) => {
    if (!file || file.size > maxOpenrcBytes) return;
    try {
      await applyText(await readFileAsText(file));
    } catch {
      setNotice(t('login.openrc.nothing'));
    }
  };

  const formHandlers = {
    onPaste: (event: ClipboardEvent<HTMLFormElement>) => {
      const text = event.clipboardData.getData('text/plain');
      if (!looksLikeOpenrc(text)) return; // an ordinary paste into a field
      event.preventDefault();
      void applyText(text);
    },
    onDragOver: (event: DragEvent<HTMLFormElement>) => event.preventDefault(),
    onDrop: (event: DragEvent<HTMLFormElement>) => {
      event.preventDefault();
      void readFile(event.dataTransfer.files[0]);
    },
  };

  return { notice, formHandlers, chooseFile: (file: File | undefined) => void readFile(file) };
}
