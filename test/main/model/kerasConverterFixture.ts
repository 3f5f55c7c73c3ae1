// A model folder as tensorflowjs_converter writes it for a small tf.keras (Keras 2) model — 4 inputs → Dense 3
// (relu) → Dense `classes` (softmax) — with known weight values, for the import tests (CLI, API, browser).

export type ModelJson = Record<string, any>;

export interface ConverterFolder {
  json: ModelJson;
  /** The float32 weights in manifest order: dense/kernel [4,3], dense/bias [3], dense_1/kernel [3,classes], dense_1/bias [classes]. */
  weights: Float32Array;
}

export function kerasConverterModel(classes = 2): ConverterFolder {
  const dense = (name: string, units: number, activation: string) => ({
    class_name: 'Dense',
    config: {
      name, trainable: true, dtype: 'float32', units, activation, use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    },
  });
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
            dense('dense', 3, 'relu'),
            dense('dense_1', classes, 'softmax'),
          ],
        },
      },
      training_config: { loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } },
    },
    weightsManifest: [{
      paths: ['group1-shard1of1.bin'],
      weights: [
        { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' },
        { name: 'dense/bias', shape: [3], dtype: 'float32' },
        { name: 'dense_1/kernel', shape: [3, classes], dtype: 'float32' },
        { name: 'dense_1/bias', shape: [classes], dtype: 'float32' },
      ],
    }],
  };
  const weights = new Float32Array(12 + 3 + 3 * classes + classes).map((_, i) => (i + 1) / 100);
  return { json, weights };
}
