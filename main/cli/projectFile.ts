// The CLI's one way to read a project file and its training settings: a file that is not a readable
// project, or settings the trainer would refuse, become one-line errors with exit 2.
import { CliError } from './command.ts';
import { loadModelFile } from '../files/projectFiles.ts';
import { ProjectFileError } from '../../app/project/errors.ts';
import { trainingConfigSchema, type TrainingConfig } from '../../app/training/config.ts';

/** The project (or Keras/TF.js model) file at `path`, or a CliError saying why it cannot be read. */
export async function loadProjectFile(path: string): Promise<Awaited<ReturnType<typeof loadModelFile>>> {
  try {
    return await loadModelFile(path);
  } catch (err) {
    if (err instanceof ProjectFileError) throw new CliError(err.message, 2);
    throw err;
  }
}

/** Training settings checked as the trainer checks them, or a CliError naming the first bad one. */
export function checkedTrainingConfig(settings: unknown): TrainingConfig {
  const parsed = trainingConfigSchema.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`the project's training settings are invalid at ${issue.path.join('.') || 'top level'}: ${issue.message}`, 2);
  }
  return parsed.data;
}
