/** Receives one line of diagnostic output at a time; the caller decides where it goes. */
export type Logger = (line: string) => void;
