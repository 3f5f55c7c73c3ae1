// The registry of CLI commands: one module per command, listed here in the order `help` shows them.
import type { CliCommand } from '../command.ts';
import { newCommand } from './new.ts';
import { templatesCommand } from './templates.ts';
import { validateCommand } from './validate.ts';
import { runsCommand } from './runs.ts';
import { showCommand } from './show.ts';
import { compareCommand } from './compare.ts';
import { deleteCommand } from './delete.ts';
import { tagCommand } from './tag.ts';
import { noteCommand } from './note.ts';
import { renameCommand } from './rename.ts';
import { exportCommand } from './export.ts';
import { importCommand } from './import.ts';
import { writeImagesCommand } from './writeImages.ts';
import { trainCommand } from './train.ts';
import { sweepCommand } from './sweep.ts';
import { ensembleCommand } from './ensemble.ts';
import { pruneCommand } from './prune.ts';
import { tradeoffsCommand } from './tradeoffs.ts';
import { predictCommand } from './predict.ts';
import { serveCommand } from './serve.ts';
import { serveModelCommand } from './serveModel.ts';
import { benchCommand } from './bench.ts';
import { dbCommand } from './db.ts';

export const commands: CliCommand[] = [validateCommand, templatesCommand, newCommand, runsCommand, showCommand, compareCommand, deleteCommand, tagCommand, noteCommand, renameCommand, exportCommand, importCommand, writeImagesCommand, trainCommand, sweepCommand, ensembleCommand, pruneCommand, tradeoffsCommand, predictCommand, serveCommand, serveModelCommand, dbCommand, benchCommand];
