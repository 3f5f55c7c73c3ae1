// Template: an image classifier in two marked parts — a convolutional base (the layers named base_…) that
// turns a picture into features, and a head that decides the class — made to be started from a trained
// base (an imported model folder with its weights, or one of the user's runs) and fine-tuned on few images.
// As shipped it trains from scratch on the built-in digits, so it validates and trains like every template.
import { defineTemplate, sequential } from './types.ts';

const notes = `This model has two parts.
• The base — the layers whose names start with base_ (two convolutions, each followed by pooling) — turns a picture into features: strokes, edges, shapes.
• The head — hidden and output — decides the class from those features.
A base that learnt from many pictures can be reused for new classes that have only a few pictures each: keep the base as it is and train a new head.

As shipped, this project trains from scratch on the built-in digits (press Train): both parts learn.

To start from a base you already have:
1. Get a trained model folder: model.json and its .bin weight files. Modelwright writes one for any trained run (Export tab, format "TensorFlow.js layers model"; or modelwright export --run N --format tfjs -o FOLDER). A Keras model becomes one with tensorflowjs_converter --input_format=keras --output_format=tfjs_layers_model model.h5 FOLDER. Nothing is downloaded: the folder must be on this computer.
2. On the start page, choose "Import a trained model folder (with weights)…" and pick that folder. The new project's layers carry the folder's weights (the canvas marks them).
3. Select the base's last layer (here base_pool_2) and press "Freeze everything up to here" in the inspector: training will leave the base's weights exactly as they are.
4. In the Data tab, choose "Image folder" and give your folder: one subfolder per class (for example cats/ and dogs/), PNG or JPEG pictures. They are resized to the base's Input size.
5. Select the output layer and press "New head for this data": it becomes a fresh layer with one unit per class of your folder.
6. Press Train. Only the unfrozen layers learn. With a few dozen pictures per class, train for more epochs (e.g. 30) with a smaller batch (16).

Or use one of your own runs as the base: train this project on a large set of pictures, then in a copy with the base frozen and a new head, choose that run under "Start from" in the Training tab (CLI: train --warm-start RUN_ID). Layers with the same name and shape start from the run's weights; the new head starts fresh.

The documentation (docs/training.md, "Worked example: transfer learning") does all of this with digits: a base trained on 0–4, a new head for 5–9 learnt from 30 pictures per class, and how it compares with training the same model from scratch on those pictures.`;

export const imageFromBase = defineTemplate({
  id: 'image-from-base',
  title: 'Image classifier from a pretrained base',
  description: 'Use it when you have only a few pictures per class: start from a model already trained on similar pictures, keep its convolutional base, and train a new head on your classes. As shipped it trains from scratch on the built-in digits; its notes say how to bring a base.',
  notes,
  graph: sequential([
    { id: 'input', type: 'Input', name: 'image', params: { shape: [28, 28, 1] } },
    { id: 'conv1', type: 'Conv2D', name: 'base_conv_1', params: { filters: 16, kernelSize: 3, activation: 'relu' } },
    { id: 'pool1', type: 'MaxPooling2D', name: 'base_pool_1', params: { poolSize: 2 } },
    { id: 'conv2', type: 'Conv2D', name: 'base_conv_2', params: { filters: 32, kernelSize: 3, activation: 'relu' } },
    { id: 'pool2', type: 'MaxPooling2D', name: 'base_pool_2', params: { poolSize: 2 } },
    { id: 'flatten', type: 'Flatten', name: 'flatten' },
    { id: 'dropout', type: 'Dropout', name: 'dropout', params: { rate: 0.25 } },
    { id: 'hidden', type: 'Dense', name: 'hidden', params: { units: 64, activation: 'relu' } },
    { id: 'output', type: 'Dense', name: 'output', params: { units: 10, activation: 'softmax' } },
  ]),
  dataset: { source: 'builtin:mnist', kind: 'images', task: 'classification', image: { width: 28, height: 28, channels: 1 } },
  training: {
    optimizer: { name: 'adam', learningRate: 0.001 },
    metrics: ['accuracy'],
    batchSize: 64,
    epochs: 5,
    validationSplit: 0.1,
    testSplit: 0.15,
  },
});
